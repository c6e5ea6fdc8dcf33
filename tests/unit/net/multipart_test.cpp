// multipart/form-data: boundary extraction, body parsing, limits, errors.
#include "net/multipart.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parlor::net {
namespace {

using namespace std::string_literals;

const std::string b = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string field(std::string_view disposition_params, std::string_view data,
                  std::string_view extra_headers = {}) {
  return "--" + b + "\r\nContent-Disposition: form-data; " + std::string(disposition_params) +
         "\r\n" + std::string(extra_headers) + "\r\n" + std::string(data) + "\r\n";
}

std::string close() {
  return "--" + b + "--\r\n";
}

// True if `view` lies inside `whole` (so it was not copied).
bool inside(std::string_view view, std::string_view whole) {
  return view.data() >= whole.data() && view.data() + view.size() <= whole.data() + whole.size();
}

TEST(MultipartBoundary, PlainAndQuoted) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----abc"), "----abc");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(multipart_boundary("multipart/form-data;boundary=\"x\\\"y\""), std::nullopt)
      << "'\"' is not a boundary character";
}

TEST(MultipartBoundary, CaseAndWhitespaceInsensitive) {
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; BOUNDARY=Xy"), "Xy");
  EXPECT_EQ(multipart_boundary("  multipart/form-data  ;  boundary = abc  "), "abc");
  EXPECT_EQ(multipart_boundary("multipart/form-data;\tboundary=\t\"abc\"\t"), "abc");
}

TEST(MultipartBoundary, OtherParametersInAnyOrder) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc; charset=utf-8"), "abc");
  EXPECT_EQ(multipart_boundary("multipart/form-data; x=\"a;boundary=no\"; boundary=yes;"), "yes");
}

TEST(MultipartBoundary, RejectsMissingEmptyOrDuplicate) {
  EXPECT_EQ(multipart_boundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"\""), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=a; boundary=b"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"abc"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary"), std::nullopt);
}

TEST(MultipartBoundary, LengthLimitIs70) {
  std::string ok(70, 'a');
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + ok), ok);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + ok + "a"), std::nullopt);
}

TEST(MultipartBoundary, RejectsCharactersOutsideRfc2046) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a\r\nb\""), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"ab \""), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=a@b"), std::nullopt);
}

TEST(MultipartBoundary, RejectsOtherMediaTypes) {
  EXPECT_EQ(multipart_boundary("multipart/mixed; boundary=abc"), std::nullopt);
  EXPECT_EQ(multipart_boundary("text/plain; boundary=abc"), std::nullopt);
  EXPECT_EQ(multipart_boundary("multipart/form-datax; boundary=abc"), std::nullopt);
  EXPECT_EQ(multipart_boundary(""), std::nullopt);
}

TEST(Multipart, BrowserStyleBodyWithBinaryFile) {
  // Bytes a parser must not take for a delimiter: a bare `--boundary`, one
  // after LF alone, one after CRLF but followed by other text, and a CRLF
  // plus all of the boundary but its last byte; also NUL, CR, LF and "--".
  std::string binary = "\x89PNG\r\n\x1a\n\0\xff--"s + b + "--\n--" + b + "\r\n\r\n--" + b +
                       "\n\r\n--" + b + "x\r\n\r\n--" + b.substr(0, b.size() - 1) + "\r\r\n-\0"s;
  std::string body =
      field("name=\"title\"", "hello world") +
      field("name=\"file\"; filename=\"a b.png\"", binary, "Content-Type: image/png\r\n") + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 2u);
  const auto& title = (*r)[0];
  EXPECT_EQ(title.name, "title");
  EXPECT_EQ(title.filename, std::nullopt);
  EXPECT_EQ(title.content_type, "");
  EXPECT_EQ(title.data, "hello world");
  const auto& file = (*r)[1];
  EXPECT_EQ(file.name, "file");
  EXPECT_EQ(file.filename, "a b.png");
  EXPECT_EQ(file.content_type, "image/png");
  EXPECT_EQ(file.data, binary);
}

TEST(Multipart, DataViewsTheBody) {
  std::string body = field("name=\"a\"", "first") + field("name=\"b\"", "second") + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  for (const auto& part : *r) EXPECT_TRUE(inside(part.data, body)) << part.name;
  EXPECT_EQ((*r)[1].data.data(), body.data() + body.find("second"));
}

TEST(Multipart, IgnoresPreambleAndEpilogue) {
  std::string body = "This is a preamble.\r\n--" + b + "x is not a delimiter\r\n" +
                     field("name=\"a\"", "1") + "--" + b + "--  \r\nepilogue \r\n--" + b +
                     "\r\nContent-Disposition: form-data; name=\"ignored\"\r\n\r\nz\r\n";
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "a");
  EXPECT_EQ((*r)[0].data, "1");
}

TEST(Multipart, AcceptsTransportPaddingAndHeaderCase) {
  std::string body = "--" + b + " \t\r\ncontent-disposition: FORM-DATA; NAME=x\r\n" +
                     "CONTENT-TYPE:text/plain \r\nX-Other: y\r\n\r\nv\r\n--" + b + "--";
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "x");
  EXPECT_EQ((*r)[0].content_type, "text/plain");
  EXPECT_EQ((*r)[0].data, "v");
}

TEST(Multipart, EmptyFormHasNoParts) {
  auto r = parse_multipart(close(), b);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

TEST(Multipart, EmptyFilePart) {
  std::string type = "Content-Type: application/octet-stream\r\n";
  std::string body = field("name=\"file\"; filename=\"\"", "", type) + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].filename, "");
  EXPECT_EQ((*r)[0].content_type, "application/octet-stream");
  EXPECT_TRUE((*r)[0].data.empty());
  EXPECT_TRUE(inside((*r)[0].data, body));
}

TEST(Multipart, PartWithHeadersAndNoBlankLine) {
  // RFC 2046: a body part's "CRLF *OCTET" is optional.
  std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=a\r\n\r\n--" + b + "--";
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "a");
  EXPECT_TRUE((*r)[0].data.empty());
}

TEST(Multipart, ExtendedFilenameTakesPrecedence) {
  std::string body =
      field("name=\"f\"; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"rates.txt\"", "x") +
      field("name=\"g\"; filename=\"fallback\"; filename*=utf-8'en'a%2Fb", "y") +
      field("name=\"h\"; filename*=iso-8859-1''caf%E9", "z") +
      field("name=\"i\"; filename=\"kept\"; filename*=koi8-r''%C1", "w") + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].filename, "\xE2\x82\xAC rates.txt");
  EXPECT_EQ((*r)[1].filename, "a/b");
  EXPECT_EQ((*r)[2].filename, "caf\xC3\xA9");
  EXPECT_EQ((*r)[3].filename, "kept") << "an unsupported charset falls back to filename";
}

TEST(Multipart, RejectsMalformedExtendedFilename) {
  for (const char* bad : {"filename*=UTF-8''%E2%8", "filename*=UTF-8''%zz", "filename*=abc"}) {
    std::string body = field("name=\"f\"; "s + bad, "x") + close();
    auto r = parse_multipart(body, b);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), MultipartError::bad_part_headers) << bad;
  }
}

TEST(Multipart, FilenameEscapesAndTokens) {
  std::string body = field(R"(name="q"; filename="say \"hi\" \\ now.txt")", "1") +
                     field(R"(name="w"; filename="C:\Users\me\a.txt")", "2") +
                     field("name=plain; filename=tok.txt", "3") + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].filename, R"(say "hi" \ now.txt)");
  EXPECT_EQ((*r)[1].filename, R"(C:\Users\me\a.txt)") << "browsers do not escape backslashes";
  EXPECT_EQ((*r)[2].name, "plain");
  EXPECT_EQ((*r)[2].filename, "tok.txt");
}

TEST(Multipart, MissingDisposition) {
  for (const std::string& part :
       {"--" + b + "\r\nContent-Type: text/plain\r\n\r\nx\r\n", "--" + b + "\r\n\r\nx\r\n",
        "--" + b + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n"}) {
    auto r = parse_multipart(part + close(), b);
    ASSERT_FALSE(r) << part;
    EXPECT_EQ(r.error(), MultipartError::missing_disposition) << part;
  }
}

TEST(Multipart, BadPartHeaders) {
  const std::string cases[] = {
      "Content-Disposition form-data; name=a\r\n",
      "Content-Disposition: form-data\r\n",
      "Content-Disposition: form-data; name=\"a\r\n",
      "Content-Disposition: form-data; name=a; name=b\r\n",
      "Content-Disposition: form-data; name=a\nContent-Type: x\r\n",
      "Content-Disposition: form-data; name=a\r\n folded\r\n",
      "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n",
      "Content-Disposition: form-data; name=a\r\nContent-Type: x\r\nContent-Type: y\r\n",
      "Content-Disposition: form-data; name=a\r\n--" + b + "x\r\n"};
  for (const std::string& headers : cases) {
    auto r = parse_multipart("--" + b + "\r\n" + headers + "\r\ndata\r\n" + close(), b);
    ASSERT_FALSE(r) << headers;
    EXPECT_EQ(r.error(), MultipartError::bad_part_headers) << headers;
  }
}

TEST(Multipart, HeadersCutShortByNextDelimiter) {
  std::string body =
      "--" + b + "\r\nContent-Disposition: form-data; name=a\r\n--" + b + "\r\n\r\n\r\n" + close();
  auto r = parse_multipart(body, b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), MultipartError::bad_part_headers);
}

TEST(Multipart, Unterminated) {
  std::string complete = field("name=\"a\"", "data") + close();
  for (std::size_t cut : {complete.size() - 3, complete.size() - 4,
                          complete.size() - close().size() + 2, complete.size() - 10}) {
    auto r = parse_multipart(std::string_view(complete).substr(0, cut), b);
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error(), MultipartError::unterminated) << cut;
  }
  EXPECT_TRUE(parse_multipart(std::string_view(complete).substr(0, complete.size() - 2), b));
}

TEST(Multipart, NoBoundaryFound) {
  for (const std::string& body : {""s, "hello"s, "--" + b, "x--" + b + "\r\n", "\n--" + b + "\r\n",
                                  "--" + b.substr(1) + "\r\n"}) {
    auto r = parse_multipart(body, b);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error(), MultipartError::no_boundary_found) << body;
  }
}

TEST(Multipart, RejectsBoundariesMultipartBoundaryWouldNot) {
  std::string body = field("name=\"a\"", "1") + close();
  for (const std::string& bad : {""s, std::string(71, 'a'), "a\r\nb"s, "a "s}) {
    auto r = parse_multipart(body, bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), MultipartError::no_boundary_found);
  }
}

TEST(Multipart, TooManyParts) {
  std::string body =
      field("name=\"a\"", "1") + field("name=\"b\"", "2") + field("name=\"c\"", "3") + close();
  auto ok = parse_multipart(body, b, {.max_parts = 3});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 3u);
  auto r = parse_multipart(body, b, {.max_parts = 2});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), MultipartError::too_many_parts);
}

TEST(Multipart, HeadersTooLarge) {
  std::string headers =
      "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: " + std::string(100, 'p') + "\r\n";
  std::string body = "--" + b + "\r\n" + headers + "\r\ndata\r\n" + close();
  auto ok = parse_multipart(body, b, {.max_header_bytes = headers.size()});
  ASSERT_TRUE(ok) << describe(ok.error());
  EXPECT_EQ((*ok)[0].data, "data");
  auto r = parse_multipart(body, b, {.max_header_bytes = headers.size() - 1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), MultipartError::headers_too_large);
}

TEST(Multipart, ManyNearDelimitersStayCorrect) {
  // Adversarial data: CRLF followed by all but the last byte of the
  // delimiter, over and over (the worst case of a Horspool search).
  std::string near = "\r\n--" + b.substr(0, b.size() - 1);
  std::string data;
  while (data.size() < (4u << 20)) data += near;
  std::string body = field("name=\"f\"; filename=\"x\"", data) + close();
  auto r = parse_multipart(body, b);
  ASSERT_TRUE(r) << describe(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].data.size(), data.size());
}

TEST(Multipart, DescribesEveryError) {
  for (auto e : {MultipartError::no_boundary_found, MultipartError::bad_part_headers,
                 MultipartError::missing_disposition, MultipartError::unterminated,
                 MultipartError::too_many_parts, MultipartError::headers_too_large}) {
    EXPECT_FALSE(describe(e).empty());
    EXPECT_NE(describe(e), "multipart error");
  }
  EXPECT_NE(describe(MultipartError::unterminated), describe(MultipartError::too_many_parts));
}

}  // namespace
}  // namespace parlor::net
