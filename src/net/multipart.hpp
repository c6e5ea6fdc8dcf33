// multipart/form-data (RFC 7578 over RFC 2046) for HTTP upload bodies, which
// are untrusted. Pure functions, no I/O, no copies of part data: each part's
// `data` is a view into the body. Linear time whatever the input.
//
// What it does not do: nested multipart/mixed parts, Content-Transfer-Encoding
// (ignored: browsers send none, so data is returned as sent), charsets of
// field values, or sanitizing file names (see MultipartPart::filename).
//
// Line endings: delimiter lines and part header lines must end in CRLF, as
// every browser sends them; a bare CR or LF inside the part headers is
// malformed. Part data is arbitrary bytes.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parlor::net {

// The boundary parameter of a Content-Type value such as
// `multipart/form-data; boundary="----abc"`. The media type and parameter
// names are case-insensitive, the boundary may be quoted, other parameters
// may come in any order. nullopt if the type is not multipart/form-data, the
// parameters do not parse, the boundary is missing or given twice, or it is
// not an RFC 2046 boundary (1 to 70 of its characters, no trailing space).
std::optional<std::string> multipart_boundary(std::string_view content_type);

struct MultipartPart {
  std::string name;  // Content-Disposition's name (may be empty)
  // Content-Disposition's filename* (RFC 5987, UTF-8 or ISO-8859-1, returned
  // as UTF-8) if present, else its filename; nullopt for plain fields. The
  // bytes as the client sent them: it may hold '/', "..", any byte; never use
  // it as a path.
  std::optional<std::string> filename;
  std::string content_type;  // the part's Content-Type value, empty if none
  // Views the body passed to parse_multipart: valid as long as it is.
  std::string_view data;
};

enum class MultipartError {
  no_boundary_found,    // no delimiter line in the body (or an invalid boundary)
  bad_part_headers,     // malformed header lines or Content-Disposition
  missing_disposition,  // a part without `Content-Disposition: form-data`
  unterminated,         // the body ends before the closing delimiter
  too_many_parts,       // more than MultipartLimits::max_parts
  headers_too_large,    // one part's header block is over the limit
};
std::string_view describe(MultipartError e);

// Lets boost::system::result<T, MultipartError>::value() throw when misused;
// the parser itself never throws (but std::bad_alloc).
[[noreturn]] void throw_exception_from_error(MultipartError e, const boost::source_location& loc);

struct MultipartLimits {
  std::size_t max_parts = 16;
  std::size_t max_header_bytes = 8192;  // per part, the header lines with their CRLFs
};

// The parts of a multipart/form-data body, in order. `boundary` is what
// multipart_boundary returned; any other string that it would not return
// gives no_boundary_found. A preamble before the first delimiter and an
// epilogue after the closing one are ignored. A `--boundary` that is not at
// the start of the body or after a CRLF, or is not followed by `--` or by
// optional spaces/tabs and a CRLF, is part data.
boost::system::result<std::vector<MultipartPart>, MultipartError> parse_multipart(
    std::string_view body, std::string_view boundary, MultipartLimits limits = {});

}  // namespace parlor::net
