"""Text detection and recognition on onnxruntime: model files, sessions, detector, recogniser."""
