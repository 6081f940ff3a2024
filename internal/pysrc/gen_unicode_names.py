"""Regenerate unicode_names.gz (run with the Python whose \\N{...} names
the reader should match: python3 gen_unicode_names.py).

The file lists "NAME;HEX" lines for every named code point except the
ones whose names are computed (CJK ideographs, Hangul syllables, Khitan,
Nushu, Tangut); unicode_names.go derives those.
"""
import gzip
import re
import unicodedata

ALGORITHMIC = re.compile(
    r'^(CJK UNIFIED IDEOGRAPH|CJK COMPATIBILITY IDEOGRAPH|TANGUT IDEOGRAPH|'
    r'KHITAN SMALL SCRIPT CHARACTER|NUSHU CHARACTER)-[0-9A-F]+$')

lines = []
for cp in range(0x110000):
    name = unicodedata.name(chr(cp), None)
    if name is None or ALGORITHMIC.match(name) or name.startswith('HANGUL SYLLABLE '):
        continue
    lines.append('%s;%X' % (name, cp))
data = ('# Unicode %s\n' % unicodedata.unidata_version + '\n'.join(lines) + '\n').encode()
with open('unicode_names.gz', 'wb') as f:
    f.write(gzip.compress(data, 9, mtime=0))
