// A Beast body that sends part of an open file, a chunk at a time, so a
// download holds one chunk in memory whatever the file's size.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <memory>
#include <utility>

#include "core/open_file.hpp"

namespace parlor::net {

struct FileBody {
  struct value_type {
    std::shared_ptr<const core::OpenFile> file;
    std::uint64_t first = 0;
    std::uint64_t length = 0;
  };

  static std::uint64_t size(const value_type& v) { return v.length; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body), next_(body.first), left_(body.length) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (left_ == 0) return boost::none;
      if (!chunk_) chunk_ = std::make_unique<char[]>(kChunk);
      const std::size_t want = left_ < kChunk ? static_cast<std::size_t>(left_) : kChunk;
      const auto got = body_.file->read_at(next_, chunk_.get(), want);
      if (got <= 0) {
        // The file shrank or failed under us: end the response short, so the
        // client sees a truncated body rather than wrong bytes.
        ec = got < 0 ? boost::beast::error_code(errno, boost::system::generic_category())
                     : boost::beast::error_code(boost::beast::http::error::partial_message);
        return boost::none;
      }
      next_ += static_cast<std::uint64_t>(got);
      left_ -= static_cast<std::uint64_t>(got);
      return std::make_pair(const_buffers_type(chunk_.get(), static_cast<std::size_t>(got)),
                            left_ > 0);
    }

   private:
    static constexpr std::size_t kChunk = 64 * 1024;
    const value_type& body_;
    std::uint64_t next_;
    std::uint64_t left_;
    std::unique_ptr<char[]> chunk_;
  };
};

}  // namespace parlor::net
