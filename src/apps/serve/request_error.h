#pragma once
// Why a request failed, as `frugal serve` answers it.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace frugal::serve {

// HTTP status, TEI's error_type ("validation", "overloaded", "unhealthy", "timeout", ...) and
// a one-line message; the server answers {"error": message, "error_type": type}.
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string type, const std::string& message)
      : std::runtime_error(message), status_(status), type_(std::move(type)) {}
  int status() const { return status_; }
  const std::string& type() const { return type_; }

 private:
  int status_;
  std::string type_;
};

nlohmann::json error_body(const std::string& message, const std::string& type);

}  // namespace frugal::serve
