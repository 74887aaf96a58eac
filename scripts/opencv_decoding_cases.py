#!/usr/bin/env python3
"""Writes TinySSD's own small JPEG and PNG test images (every PNG colour type and bit depth we
read, interlacing, gAMA, eXIf; grey, CMYK, 4:2:0, 4:2:2, progressive and EXIF-oriented JPEGs) and
the RGB pixels OpenCV decodes from each: cv2.cvtColor(cv2.imread(f, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).

Usage: opencv_decoding_cases.py OUTPUT_DIR [PHOTO_DIR]
Writes the images and expected.json to OUTPUT_DIR. With PHOTO_DIR (../shared/fixtures/person-mini),
also person-mini-decoded.json: the size and FNV-1a hash of OpenCV's RGB decoding of each photo there
(hashes only: the photos stay out of the repository).
"""
import base64, io, json, os, struct, sys, zlib
import cv2
import numpy as np
from PIL import Image

rng = np.random.default_rng(20240611)


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def pack_row(samples, depth):
    """One scanline: samples MSB-first for depths below 8, big-endian for 16."""
    if depth == 16:
        return b''.join(struct.pack('>H', int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    out, bits, count = bytearray(), 0, 0
    for s in samples:
        bits = (bits << depth) | int(s)
        count += depth
        if count == 8:
            out.append(bits)
            bits, count = 0, 0
    if count:
        out.append(bits << (8 - count))
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(pixels, depth, color_type, extra=b'', after_idat=b'', interlaced=False):
    """Our own minimal PNG writer, so every colour type and depth is exactly what we ask for."""
    h, w = pixels.shape[:2]
    flat = pixels.reshape(h, w, -1)
    raw = b''
    if interlaced:
        for x0, y0, dx, dy in ADAM7:
            for y in range(y0, h, dy):
                cols = list(range(x0, w, dx))
                if cols:
                    raw += b'\0' + pack_row(flat[y, cols].reshape(-1), depth)
    else:
        for y in range(h):
            raw += b'\0' + pack_row(flat[y].reshape(-1), depth)
    header = struct.pack('>IIBBBBB', w, h, depth, color_type, 0, 0, 1 if interlaced else 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + extra + chunk(b'IDAT', zlib.compress(raw))
            + after_idat + chunk(b'IEND', b''))


def tiff_orientation(value, big_endian):
    """A TIFF structure holding IFD0 with the single tag 0x0112 (orientation, SHORT)."""
    if big_endian:
        return b'MM\x00\x2a' + struct.pack('>IHHHIHH', 8, 1, 0x0112, 3, 1, value, 0) + b'\0\0\0\0'
    return b'II\x2a\x00' + struct.pack('<IHHHIHH', 8, 1, 0x0112, 3, 1, value, 0) + b'\0\0\0\0'


def jpeg(array, mode, **options):
    out = io.BytesIO()
    Image.fromarray(array).convert(mode).save(out, 'JPEG', **options)
    return out.getvalue()


def samples(shape, maximum):
    return rng.integers(0, maximum + 1, shape)


files = {
    'grey1.png': png(samples((3, 11), 1), 1, 0),
    'grey4.png': png(samples((5, 7), 15), 4, 0),
    'grey8.png': png(samples((5, 7), 255), 8, 0),
    'grey16.png': png(samples((4, 6), 65535), 16, 0),
    'grey-alpha8.png': png(samples((4, 6, 2), 255), 8, 4),
    'grey-alpha16.png': png(samples((4, 6, 2), 65535), 16, 4),
    'rgb8.png': png(samples((5, 7, 3), 255), 8, 2),
    'rgb16.png': png(samples((4, 6, 3), 65535), 16, 2),
    'rgba8.png': png(samples((5, 7, 4), 255), 8, 6),
    'rgba16.png': png(samples((4, 6, 4), 65535), 16, 6),
    'palette8-trns.png': png(samples((5, 7), 5), 8, 3, chunk(b'PLTE', bytes(samples(18, 255).tolist()))
                             + chunk(b'tRNS', bytes([0, 128, 255]))),
    'palette4.png': png(samples((5, 9), 11), 4, 3, chunk(b'PLTE', bytes(samples(36, 255).tolist()))),
    'rgb8-interlaced.png': png(samples((11, 13, 3), 255), 8, 2, interlaced=True),
    'rgb8-gamma.png': png(samples((3, 4, 3), 255), 8, 2, chunk(b'gAMA', struct.pack('>I', 100000))),
    'exif6-before-idat.png': png(samples((3, 5, 3), 255), 8, 2, chunk(b'eXIf', tiff_orientation(6, False))),
    'exif8-after-idat.png': png(samples((3, 5, 3), 255), 8, 2, after_idat=chunk(b'eXIf', tiff_orientation(8, True))),
}

photo = np.zeros((17, 23, 3), np.uint8)
yy, xx = np.mgrid[0:17, 0:23]
photo[..., 0] = xx * 11
photo[..., 1] = yy * 15
photo[..., 2] = samples((17, 23), 255)
files['rgb-420.jpg'] = jpeg(photo, 'RGB', quality=90)
files['rgb-422.jpg'] = jpeg(photo, 'RGB', quality=90, subsampling=1)
files['rgb-progressive.jpg'] = jpeg(photo, 'RGB', quality=80, progressive=True)
files['grey.jpg'] = jpeg(photo, 'L', quality=90)
files['cmyk.jpg'] = jpeg(photo, 'CMYK', quality=90)
small = photo[:4, :6]
for value in range(1, 9):
    exif = b'Exif\0\0' + tiff_orientation(value, big_endian=value % 2 == 0)
    files['orientation%d.jpg' % value] = jpeg(small, 'RGB', quality=95, exif=exif)

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
expected = {}
for name, data in sorted(files.items()):
    with open(os.path.join(out_dir, name), 'wb') as f:
        f.write(data)
    bgr = cv2.imread(os.path.join(out_dir, name), cv2.IMREAD_COLOR)
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    expected[name] = {'width': int(rgb.shape[1]), 'height': int(rgb.shape[0]),
                      'rgb': base64.b64encode(np.ascontiguousarray(rgb).tobytes()).decode()}
with open(os.path.join(out_dir, 'expected.json'), 'w') as f:
    json.dump({'opencv': cv2.__version__, 'images': expected}, f, indent=1, sort_keys=True)
    f.write('\n')
print('%d images and their OpenCV %s decodings written to %s' % (len(files), cv2.__version__, out_dir))


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & ((1 << 64) - 1)
    return '%x' % h


if len(sys.argv) > 2:
    photos = {}
    for name in sorted(os.listdir(sys.argv[2])):
        if name.endswith('.jpg'):
            rgb = cv2.cvtColor(cv2.imread(os.path.join(sys.argv[2], name), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            photos[name] = {'width': int(rgb.shape[1]), 'height': int(rgb.shape[0]),
                            'rgb_fnv1a64': fnv1a64(np.ascontiguousarray(rgb).tobytes())}
    with open(os.path.join(out_dir, 'person-mini-decoded.json'), 'w') as f:
        json.dump({'opencv': cv2.__version__, 'photos': photos}, f, indent=1, sort_keys=True)
        f.write('\n')
    print('%d photo hashes written' % len(photos))
