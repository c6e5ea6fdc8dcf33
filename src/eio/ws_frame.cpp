// RFC 6455 frame parser and encoders (server side).
#include "eio/ws_frame.hpp"

#include <cstring>

#include "eio/packet.hpp"

namespace parlor::eio::ws {

bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

std::size_t encode_header(std::uint8_t* out, Opcode op, std::uint64_t len) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));
  if (len < 126) {
    out[1] = static_cast<std::uint8_t>(len);
    return 2;
  }
  if (len <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(len >> 8);
    out[3] = static_cast<std::uint8_t>(len);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(len >> (56 - 8 * i));
  return 10;
}

void append_frame(std::string& out, Opcode op, std::string_view payload) {
  std::uint8_t h[max_server_header];
  auto n = encode_header(h, op, payload.size());
  out.append(reinterpret_cast<const char*>(h), n);
  out.append(payload);
}

void append_close(std::string& out, std::uint16_t code, std::string_view reason) {
  if (code == close_code::no_status) return append_frame(out, Opcode::close, {});
  if (reason.size() > 123) reason = reason.substr(0, 123);
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  append_frame(out, Opcode::close, payload);
}

// ---------------------------------------------------------------- UTF-8

bool Utf8Validator::feed(std::string_view s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (need_ == 0) {
      // ASCII runs, eight bytes at a time.
      while (end - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        if (w & 0x8080808080808080ull) break;
        p += 8;
      }
      if (p == end) break;
      std::uint8_t b = *p++;
      if (b < 0x80) continue;
      if (b >= 0xC2 && b <= 0xDF) {
        need_ = 1, lo_ = 0x80, hi_ = 0xBF;
      } else if (b == 0xE0) {
        need_ = 2, lo_ = 0xA0, hi_ = 0xBF;
      } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        need_ = 2, lo_ = 0x80, hi_ = 0xBF;
      } else if (b == 0xED) {
        need_ = 2, lo_ = 0x80, hi_ = 0x9F;  // no surrogates
      } else if (b == 0xF0) {
        need_ = 3, lo_ = 0x90, hi_ = 0xBF;
      } else if (b >= 0xF1 && b <= 0xF3) {
        need_ = 3, lo_ = 0x80, hi_ = 0xBF;
      } else if (b == 0xF4) {
        need_ = 3, lo_ = 0x80, hi_ = 0x8F;  // at most U+10FFFF
      } else {
        need_ = 0xFF;  // stays invalid
        return false;
      }
    } else {
      if (need_ == 0xFF) return false;
      std::uint8_t b = *p++;
      if (b < lo_ || b > hi_) {
        need_ = 0xFF;
        return false;
      }
      lo_ = 0x80, hi_ = 0xBF;
      --need_;
    }
  }
  return need_ != 0xFF;
}

bool valid_utf8(std::string_view s) {
  Utf8Validator v;
  return v.feed(s) && v.complete();
}

unsigned unmask(char* data, std::size_t n, const std::uint8_t mask[4], unsigned pos) {
  std::uint8_t m[4] = {mask[pos & 3], mask[(pos + 1) & 3], mask[(pos + 2) & 3],
                       mask[(pos + 3) & 3]};
  std::uint32_t m32;
  std::memcpy(&m32, m, 4);
  const std::uint64_t m64 = (static_cast<std::uint64_t>(m32) << 32) | m32;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    w ^= m64;
    std::memcpy(data + i, &w, 8);
  }
  for (; i < n; ++i) data[i] = static_cast<char>(data[i] ^ m[i & 3]);
  return static_cast<unsigned>((pos + n) & 3);
}

// ---------------------------------------------------------------- Parser

Parser::Event Parser::fail(std::uint16_t code) {
  state_ = State::finished;
  in_message_ = false;
  release_ = true;
  Event e;
  e.kind = Event::Kind::error;
  e.code = code;
  return e;
}

Parser::Event Parser::control_event(std::string_view payload) {
  Event e;
  switch (op_) {
    case Opcode::ping:
      e.kind = Event::Kind::ping;
      e.payload = payload;
      return e;
    case Opcode::pong:
      e.kind = Event::Kind::pong;
      e.payload = payload;
      return e;
    default:
      break;
  }
  // close
  if (payload.size() == 1) return fail(close_code::protocol_error);
  e.kind = Event::Kind::close;
  e.code = close_code::no_status;
  if (payload.size() >= 2) {
    e.code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                        static_cast<std::uint8_t>(payload[1]));
    if (!valid_close_code(e.code)) return fail(close_code::protocol_error);
    e.payload = payload.substr(2);
    if (!valid_utf8(e.payload)) return fail(close_code::invalid_payload);
  }
  state_ = State::finished;
  return e;
}

Parser::Event Parser::message_done(std::string_view payload) {
  in_message_ = false;
  Event e;
  e.kind = Event::Kind::message;
  e.text = msg_text_;
  e.payload = payload;
  return e;
}

Parser::Event Parser::next(char*& data, std::size_t& size) {
  if (release_) {
    // The previous event's payload may have lived here; a control frame in
    // the middle of a fragmented message leaves that message's bytes alone.
    release_ = false;
    std::string().swap(ctrl_);
    if (!in_message_) std::string().swap(msg_);
  }
  if (state_ == State::finished) {
    data += size;
    size = 0;
    return {};
  }
  for (;;) {
    if (state_ == State::header) {
      // The first two bytes say how long the header is.
      while (hdr_len_ < 2 && size > 0) {
        hdr_[hdr_len_++] = static_cast<std::uint8_t>(*data++);
        --size;
      }
      if (hdr_len_ < 2) return {};
      const std::uint8_t b0 = hdr_[0], b1 = hdr_[1];
      if (b0 & 0x70) return fail(close_code::protocol_error);  // RSV without an extension
      const std::uint8_t op = b0 & 0x0F;
      const bool fin = (b0 & 0x80) != 0;
      const bool control = (op & 0x08) != 0;
      if (op != 0x0 && op != 0x1 && op != 0x2 && op != 0x8 && op != 0x9 && op != 0xA)
        return fail(close_code::protocol_error);
      if (!(b1 & 0x80)) return fail(close_code::protocol_error);  // client frames are masked
      const std::uint8_t len7 = b1 & 0x7F;
      if (control && (!fin || len7 > 125)) return fail(close_code::protocol_error);
      const std::uint8_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
      const std::uint8_t total = static_cast<std::uint8_t>(2 + ext + 4);
      while (hdr_len_ < total && size > 0) {
        hdr_[hdr_len_++] = static_cast<std::uint8_t>(*data++);
        --size;
      }
      if (hdr_len_ < total) return {};
      std::uint64_t len = len7;
      if (ext == 2) {
        len = (static_cast<std::uint64_t>(hdr_[2]) << 8) | hdr_[3];
        if (len < 126) return fail(close_code::protocol_error);  // not the minimal encoding
      } else if (ext == 8) {
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | hdr_[2 + i];
        if (len >> 63) return fail(close_code::protocol_error);
        if (len <= 0xFFFF) return fail(close_code::protocol_error);
      }
      std::memcpy(mask_, hdr_ + 2 + ext, 4);
      hdr_len_ = 0;
      op_ = static_cast<Opcode>(op);
      fin_ = fin;
      mask_pos_ = 0;
      remaining_ = len;
      if (!control) {
        if (op_ == Opcode::continuation) {
          if (!in_message_) return fail(close_code::protocol_error);
        } else {
          if (in_message_) return fail(close_code::protocol_error);
          in_message_ = true;
          msg_text_ = op_ == Opcode::text;
          msg_size_ = 0;
          utf8_.reset();
        }
        if (len > max_ - msg_size_) return fail(close_code::too_big);
        msg_size_ += static_cast<std::size_t>(len);
        // The common case: a whole unfragmented message in the caller's buffer.
        if (fin_ && op_ != Opcode::continuation && size >= len) {
          const auto n = static_cast<std::size_t>(len);
          unmask(data, n, mask_, 0);
          std::string_view payload(data, n);
          data += n;
          size -= n;
          if (msg_text_ && !valid_utf8(payload)) return fail(close_code::invalid_payload);
          return message_done(payload);
        }
        if (msg_.capacity() < msg_size_) msg_.reserve(msg_size_);
      } else if (size >= len && ctrl_.empty()) {
        const auto n = static_cast<std::size_t>(len);
        unmask(data, n, mask_, 0);
        std::string_view payload(data, n);
        data += n;
        size -= n;
        return control_event(payload);
      }
      state_ = State::payload;
    }

    // State::payload: a frame whose payload is (still) arriving in pieces.
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size));
    mask_pos_ = static_cast<std::uint8_t>(unmask(data, n, mask_, mask_pos_));
    std::string_view chunk(data, n);
    data += n;
    size -= n;
    remaining_ -= n;
    const bool control = (static_cast<std::uint8_t>(op_) & 0x08) != 0;
    if (control) {
      ctrl_.append(chunk);
    } else {
      if (msg_text_ && !utf8_.feed(chunk)) return fail(close_code::invalid_payload);
      msg_.append(chunk);
    }
    if (remaining_ > 0) return {};
    state_ = State::header;
    if (control) {
      release_ = true;
      return control_event(ctrl_);
    }
    if (fin_) {
      if (msg_text_ && !utf8_.complete()) return fail(close_code::invalid_payload);
      release_ = true;
      return message_done(msg_);
    }
    // A non-final fragment: on to the next frame's header.
  }
}

bool valid_key(std::string_view key) {
  if (key.size() != 24) return false;
  std::string bytes;
  return base64_decode(key, bytes) && bytes.size() == 16;
}

}  // namespace parlor::eio::ws
