"""The service boundary and what runs it: EAS adapter, local server, batch, CLI and client."""
