// Asio, Asio SSL and Beast compiled once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION
// and BOOST_BEAST_SEPARATE_COMPILATION are set on every target that links runnel::asio).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
