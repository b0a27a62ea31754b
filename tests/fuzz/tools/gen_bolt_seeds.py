import struct, os, sys
out = sys.argv[1]
def ps(v):
    if v is None: return b'\xC0'
    if v is True: return b'\xC3'
    if v is False: return b'\xC2'
    if isinstance(v, int):
        if -16 <= v < 128: return struct.pack('>b', v)
        if -128 <= v < 128: return b'\xC8' + struct.pack('>b', v)
        if -32768 <= v < 32768: return b'\xC9' + struct.pack('>h', v)
        if -2**31 <= v < 2**31: return b'\xCA' + struct.pack('>i', v)
        return b'\xCB' + struct.pack('>q', v)
    if isinstance(v, float): return b'\xC1' + struct.pack('>d', v)
    if isinstance(v, bytes): return b'\xCC' + struct.pack('>B', len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        if len(b) < 16: return bytes([0x80 + len(b)]) + b
        return b'\xD0' + struct.pack('>B', len(b)) + b
    if isinstance(v, list): return bytes([0x90 + len(v)]) + b''.join(ps(x) for x in v)
    if isinstance(v, dict): return bytes([0xA0 + len(v)]) + b''.join(ps(k) + ps(x) for k, x in v.items())
    raise TypeError(v)
def msg(sig, *fields):
    body = bytes([0xB0 + len(fields), sig]) + b''.join(ps(f) for f in fields)
    return struct.pack('>H', len(body)) + body + b'\x00\x00'
HELLO = msg(0x01, {'user_agent': 'fuzz/1', 'scheme': 'none', 'routing': {'address': 'x:1'}})
LOGON = msg(0x6A, {'scheme': 'none'})
params = {'i': 1, 'f': 1.5, 's': 'text', 'b': True, 'n': None, 'l': [1, 'a', [2]], 'm': {'k': 'v'}, 'by': b'\x00\x01'}
seeds = {
 'autocommit': HELLO + LOGON + msg(0x10, 'RETURN 1', params, {}) + msg(0x3F, {'n': -1}) + msg(0x02),
 'tx': HELLO + LOGON + msg(0x11, {'db': 'neo4j', 'mode': 'r'}) + msg(0x10, 'q', {'x': 1}, {}) + msg(0x3F, {'n': 1, 'qid': -1}) + msg(0x2F, {'n': -1, 'qid': 0}) + msg(0x12),
 'failure': HELLO + LOGON + msg(0x10, 'FAIL', {}, {}) + msg(0x3F, {'n': -1}) + msg(0x0F) + msg(0x10, 'ok', {}, {}) + msg(0x2F, {'n': -1}),
 'rollback': HELLO + LOGON + msg(0x11, {}) + msg(0x10, 'a', {}, {}) + msg(0x13) + msg(0x6B) + LOGON + msg(0x54, {'api': 1}),
 'route': HELLO + LOGON + msg(0x66, {'address': 'localhost:7687'}, [], {'db': None}),
}
os.makedirs(out, exist_ok=True)
for name, body in seeds.items():
    # flags: bit 0 = prepend handshake; feed stride from bits 2-7.
    for flags in (0x01, 0x03, 0x21):
        open(os.path.join(out, f'{name}-{flags:02x}'), 'wb').write(bytes([flags]) + body)
# One raw seed that carries its own handshake (bit 0 clear).
open(os.path.join(out, 'raw-handshake'), 'wb').write(bytes([0]) + b'\x60\x60\xB0\x17' + bytes([0,0,4,4, 0,0,1,4, 0,0,0,0, 0,0,0,0]) + HELLO + msg(0x10, 'RETURN 1', {}, {}) + msg(0x3F, {'n': -1}))
