"""EAS ``processor_entry``: ``python app.py`` serves locally, EAS imports and runs it."""

from processor.serve.eas import IdCardProcessor

if __name__ == "__main__":
    import os

    processor = IdCardProcessor(
        worker_threads=int(os.environ.get("IDCARD_WORKER_THREADS", "2")),
        endpoint=os.environ.get("EAS_ENDPOINT") or None,
    )
    processor.run()
