// Turns measured phases into JSON and a human-readable table.
#pragma once

#include <boost/json/object.hpp>
#include <ostream>
#include <string>

#include "fleet.hpp"

namespace parlor::bench {

boost::json::object to_json(const Histogram& h);
boost::json::object to_json(const PhaseResult& p);
boost::json::object to_json(const ConnectResult& c);

// Delivered messages per second of wall time (sending plus drain).
double deliveries_per_s(const PhaseResult& p);
// Server CPU microseconds per delivered message; negative when unknown.
double cpu_us_per_delivery(const PhaseResult& p);
double allocs_per_delivery(const PhaseResult& p);  // -1 when not counted

void print_phase_header(std::ostream& os);
void print_phase_row(std::ostream& os, const std::string& name, const PhaseResult& p);
void print_connect(std::ostream& os, const ConnectResult& c);

// True when the phase lost, duplicated or failed anything.
bool has_errors(const PhaseResult& p);

}  // namespace parlor::bench
