"""Draw static/img/og-card.png, the 1200×630 image of link previews (Open Graph, Twitter cards)
of the public contest page, from the platform's default name, in the Noto Serif of static/fonts.

    .venv/bin/python deploy/make_og_card.py
"""
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
NAME = "Học tập và làm theo Bác"
TAGLINE = "Cuộc thi tìm hiểu và cuộc thi viết trực tuyến"
RED, GOLD, WHITE = (200, 16, 46), (255, 205, 0), (255, 255, 255)


def star(draw, cx, cy, r):
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=GOLD)


def main():
    image = Image.new("RGB", (1200, 630), RED)
    draw = ImageDraw.Draw(image)
    fonts = ROOT / "static" / "fonts"
    bold = ImageFont.truetype(str(fonts / "NotoSerif-Bold.ttf"), 84)
    regular = ImageFont.truetype(str(fonts / "NotoSerif-Regular.ttf"), 40)
    star(draw, 600, 165, 95)
    for text, font, y, fill in ((NAME, bold, 330, WHITE), (TAGLINE, regular, 470, GOLD)):
        width = draw.textlength(text, font=font)
        draw.text(((1200 - width) / 2, y), text, font=font, fill=fill)
    draw.rectangle([0, 600, 1200, 630], fill=GOLD)
    out = ROOT / "static" / "img" / "og-card.png"
    out.parent.mkdir(exist_ok=True)
    image.save(out, optimize=True)
    print(out)


if __name__ == "__main__":
    main()
