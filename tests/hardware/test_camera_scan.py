import qrcode
from PIL import Image, ImageOps
from PySide6.QtGui import QImage

from hardware.camera_scan import FrameDecoder, decode_frame


def _frame(payload: str) -> Image.Image:
    # A code held at an angle in front of a grey background, as a camera sees it.
    qr = qrcode.make(payload).get_image().convert("L").resize((300, 300))
    frame = Image.new("L", (640, 480), 170)
    frame.paste(qr.rotate(12, expand=True, fillcolor=170), (150, 60))
    return ImageOps.autocontrast(frame)


def test_decode_pil_and_qimage(tmp_path):
    frame = _frame("APT-7QX2")
    assert decode_frame(frame) == ["APT-7QX2"]
    path = tmp_path / "frame.png"
    frame.save(path)
    assert decode_frame(QImage(str(path))) == ["APT-7QX2"]


def test_same_code_in_view_is_reported_once():
    seen: list[str] = []
    decoder = FrameDecoder(seen.append, repeat_after=60)
    frame = _frame("LKT-A12")
    for _ in range(5):
        decoder.feed(frame)
    decoder.feed(Image.new("L", (640, 480), 255))
    assert seen == ["LKT-A12"]
