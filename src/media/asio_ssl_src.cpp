// Boost.Asio's SSL support, compiled once (BOOST_ASIO_SEPARATE_COMPILATION):
// only link previews use it.
#include <boost/asio/ssl/impl/src.hpp>
