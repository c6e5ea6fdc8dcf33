// RFC 6455 framing for the server side, pure (no I/O): an incremental parser
// for client frames (masked, possibly fragmented, interleaved control frames,
// size limit, UTF-8 check of text) and encoders for server frames (never
// masked, never fragmented). No extensions are negotiated, so RSV bits are
// always a protocol error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parlor::eio::ws {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t no_status = 1005;  // never sent: "the close frame had no code"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t too_big = 1009;
}  // namespace close_code

// A code a peer may put in a close frame (1000-1003, 1007-1014, 3000-4999).
bool valid_close_code(std::uint16_t code);

// Server frames: FIN set, unmasked, so the header is at most 10 bytes.
inline constexpr std::size_t max_server_header = 10;
// Writes the header of a frame carrying `len` payload bytes; returns its size.
std::size_t encode_header(std::uint8_t* out, Opcode op, std::uint64_t len);
// Appends a whole frame (header + payload) to `out`.
void append_frame(std::string& out, Opcode op, std::string_view payload);
// Appends a close frame; `code` no_status sends an empty close payload.
void append_close(std::string& out, std::uint16_t code, std::string_view reason = {});

// Streaming UTF-8 check (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). A sequence may be split across feed() calls.
class Utf8Validator {
 public:
  // False once the input seen so far cannot be valid UTF-8.
  bool feed(std::string_view s);
  // True if no multi-byte sequence is left open.
  bool complete() const { return need_ == 0; }
  void reset() { need_ = 0; }

 private:
  std::uint8_t need_ = 0;  // continuation bytes still expected
  std::uint8_t lo_ = 0x80, hi_ = 0xBF;
};
bool valid_utf8(std::string_view s);

// XORs `data` with the 4-byte `mask`, starting at mask byte `pos` (0-3);
// returns the next position.
unsigned unmask(char* data, std::size_t n, const std::uint8_t mask[4], unsigned pos);

// Parses the byte stream a client sends after the opening handshake. Feed it
// whatever arrived; each call to next() consumes bytes up to the next event.
// Payloads are unmasked in place in the caller's buffer: a message that came
// in one frame inside one buffer is returned as a view of that buffer (no
// copy); fragmented or split messages are assembled in the parser, which
// frees that memory again on the following call. After a close frame or an
// error the parser is finished and ignores all further input.
class Parser {
 public:
  struct Event {
    enum class Kind : std::uint8_t { need_more, message, ping, pong, close, error };
    Kind kind = Kind::need_more;
    bool text = false;  // message: text (else binary)
    std::uint16_t code =
        0;  // close: the peer's code (no_status if none); error: code to close with
    std::string_view payload;  // message data, ping/pong payload, close reason; valid until the
                               // next call and while the input buffer lives
  };

  explicit Parser(std::size_t max_message) : max_(max_message) {}

  // Consumes bytes from [data, data + size) up to and including the next
  // event, advancing `data` and `size`. need_more: everything was consumed.
  Event next(char*& data, std::size_t& size);

  bool finished() const { return state_ == State::finished; }
  bool idle() const { return state_ == State::header && hdr_len_ == 0 && !in_message_; }
  // Heap memory held for partial messages (0 when idle).
  std::size_t buffered() const { return heap(msg_) + heap(ctrl_); }

 private:
  enum class State : std::uint8_t { header, payload, finished };
  Event fail(std::uint16_t code);
  Event control_event(std::string_view payload);
  Event message_done(std::string_view payload);
  static std::size_t heap(const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() : 0;
  }

  std::size_t max_;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  std::size_t msg_size_ = 0;     // payload bytes of the current message so far
  std::string msg_;              // a message being assembled (fragmented or split across reads)
  std::string ctrl_;             // a control payload split across reads
  Utf8Validator utf8_;
  State state_ = State::header;
  std::uint8_t hdr_[14];
  std::uint8_t hdr_len_ = 0;
  std::uint8_t mask_[4] = {};
  std::uint8_t mask_pos_ = 0;
  Opcode op_ = Opcode::continuation;
  bool fin_ = false;
  bool in_message_ = false;
  bool msg_text_ = false;
  bool release_ = false;  // drop ctrl_ (and msg_ unless a message is open) at the next call
};

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (SHA-1 + base64), and whether
// a key is well-formed (base64 of 16 bytes).
bool valid_key(std::string_view key);

}  // namespace parlor::eio::ws
