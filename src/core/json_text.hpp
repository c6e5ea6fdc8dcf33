// Parsing JSON text from clients. JavaScript strings may hold a lone UTF-16
// surrogate (an emoji cut in half by str.slice), and JSON.stringify then
// writes it as an escape ("\ud800") that is valid JSON but not Unicode.
// Boost.JSON refuses such text; Node would take it. We take it too, with
// each lone surrogate replaced by U+FFFD, as any UTF-8 encoder does, so a
// client is not disconnected (or refused) for half an emoji.
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace parlor::core {

// `text` with every escaped lone surrogate (outside a valid \uD8xx\uDCxx
// pair) replaced by \ufffd; everything else byte for byte.
std::string replace_lone_surrogates(std::string_view text);

// boost::json::parse, retried once with lone surrogates replaced when that
// is all that was wrong.
boost::json::value parse_client_json(std::string_view text, boost::system::error_code& ec);

}  // namespace parlor::core
