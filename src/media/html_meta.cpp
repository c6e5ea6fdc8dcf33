#include "media/html_meta.hpp"

#include <charconv>
#include <cstdint>

#include "chat/utf8.hpp"
#include "core/ascii.hpp"

namespace parlor::media {
namespace {

using core::iequals;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Whitespace runs to one space, trimmed, cut at `max` bytes on a character
// boundary.
std::string tidy(std::string_view text, std::size_t max) {
  std::string decoded = decode_entities(text);
  std::string out;
  bool space = false;
  for (char c : decoded) {
    if (is_space(c) || static_cast<unsigned char>(c) < 0x20) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  out.resize(chat::utf8_prefix(out, max).size());
  return out;
}

struct Attrs {
  std::string_view name, property, content;
};

// Reads the attributes of a tag from just after its name to its '>'.
Attrs read_attrs(std::string_view html, std::size_t& i) {
  Attrs a;
  while (i < html.size() && html[i] != '>') {
    while (i < html.size() && (is_space(html[i]) || html[i] == '/')) ++i;
    std::size_t start = i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '=' && html[i] != '>' &&
           html[i] != '/')
      ++i;
    std::string_view key = html.substr(start, i - start);
    while (i < html.size() && is_space(html[i])) ++i;
    std::string_view value;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && is_space(html[i])) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        std::size_t end = html.find(quote, i);
        if (end == std::string_view::npos) end = html.size();
        value = html.substr(i, end - i);
        i = end < html.size() ? end + 1 : end;
      } else {
        start = i;
        while (i < html.size() && !is_space(html[i]) && html[i] != '>') ++i;
        value = html.substr(start, i - start);
      }
    }
    if (key.empty()) {
      if (i < html.size() && html[i] != '>') ++i;  // a stray character
      continue;
    }
    if (iequals(key, "name")) a.name = value;
    if (iequals(key, "property")) a.property = value;
    if (iequals(key, "content")) a.content = value;
  }
  if (i < html.size()) ++i;  // '>'
  return a;
}

}  // namespace

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i++];
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    bool known = true;
    if (name == "amp")
      out += '&';
    else if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (name == "nbsp")
      out += ' ';
    else if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string_view digits = name.substr(hex ? 2 : 1);
      std::uint32_t cp = 0;
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
        known = false;
      else
        append_utf8(out, cp);
    } else {
      known = false;
    }
    if (!known) {
      out += s[i++];
      continue;
    }
    i = semi + 1;
  }
  return out;
}

PageMeta parse_html_meta(std::string_view html) {
  std::string og_title, og_description, og_image, og_site, tw_title, tw_description, tw_image,
      description, title;
  for (std::size_t i = 0; i < html.size();) {
    std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt + 1;
    if (i < html.size() && html[i] == '<') continue;  // "<<meta": the second one opens the tag
    if (html.substr(i, 3) == "!--") {
      std::size_t end = html.find("-->", i);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::size_t start = i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '/') ++i;
    std::string_view tag = html.substr(start, i - start);
    if (iequals(tag, "meta")) {
      Attrs a = read_attrs(html, i);
      std::string_view key = !a.property.empty() ? a.property : a.name;
      auto set = [&](std::string& field, std::size_t max) {
        if (field.empty()) field = tidy(a.content, max);
      };
      if (iequals(key, "og:title"))
        set(og_title, 300);
      else if (iequals(key, "og:description"))
        set(og_description, 1000);
      else if (iequals(key, "og:image") || iequals(key, "og:image:url"))
        set(og_image, 2048);
      else if (iequals(key, "og:site_name"))
        set(og_site, 300);
      else if (iequals(key, "twitter:title"))
        set(tw_title, 300);
      else if (iequals(key, "twitter:description"))
        set(tw_description, 1000);
      else if (iequals(key, "twitter:image"))
        set(tw_image, 2048);
      else if (iequals(key, "description"))
        set(description, 1000);
    } else if (iequals(tag, "title") && title.empty()) {
      std::size_t gt = html.find('>', i);
      if (gt == std::string_view::npos) break;
      std::size_t end = gt + 1;
      // The text up to </title>, whatever case.
      std::size_t close = end;
      while ((close = html.find("</", close)) != std::string_view::npos &&
             !iequals(html.substr(close + 2, 5), "title"))
        close += 2;
      if (close == std::string_view::npos) close = html.size();
      title = tidy(html.substr(end, close - end), 300);
      i = close;
    } else if (iequals(tag, "body")) {
      break;  // the head is over
    }
  }
  PageMeta m;
  m.title = !og_title.empty() ? og_title : !tw_title.empty() ? tw_title : title;
  m.description = !og_description.empty()   ? og_description
                  : !tw_description.empty() ? tw_description
                                            : description;
  m.image = !og_image.empty() ? og_image : tw_image;
  m.site_name = og_site;
  return m;
}

}  // namespace parlor::media
