"""Reading QR and bar codes from camera frames with zxing-cpp (optional scanner)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import zxingcpp

ScanCallback = Callable[[str], None]


def decode_frame(image: Any) -> list[str]:
    """Codes in one frame; `image` is a PIL image, a numpy array or a QImage."""
    if hasattr(image, "constBits") and hasattr(image, "convertToFormat"):
        image = _qimage_to_array(image)
    return [result.text for result in zxingcpp.read_barcodes(image) if result.valid]


def _qimage_to_array(qimage: Any) -> Any:
    import numpy as np
    from PySide6.QtGui import QImage

    gray = qimage.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    buffer = np.frombuffer(gray.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, :width].copy()


class FrameDecoder:
    """Feeds frames; reports each code once, not again while it stays in view (`repeat_after`)."""

    def __init__(self, on_scan: ScanCallback, repeat_after: float = 3.0) -> None:
        self.on_scan = on_scan
        self.repeat_after = repeat_after
        self._seen: dict[str, float] = {}

    def feed(self, image: Any) -> list[str]:
        now = time.monotonic()
        fresh = []
        for code in decode_frame(image):
            if now - self._seen.get(code, -1e9) >= self.repeat_after:
                fresh.append(code)
                self.on_scan(code)
            self._seen[code] = now
        return fresh


class QtCameraScanner:
    """A camera through Qt Multimedia, every `every_nth` frame decoded (cameras give 30/s)."""

    def __init__(self, on_scan: ScanCallback, *, every_nth: int = 5) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QVideoSink

        self.decoder = FrameDecoder(on_scan)
        self.every_nth = every_nth
        self._count = 0
        self.camera = QCamera()
        self.sink = QVideoSink()
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.sink.videoFrameChanged.connect(self._on_frame)

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        self.camera.stop()

    def _on_frame(self, frame: Any) -> None:
        self._count += 1
        if self._count % self.every_nth:
            return
        image = frame.toImage()
        if not image.isNull():
            self.decoder.feed(image)
