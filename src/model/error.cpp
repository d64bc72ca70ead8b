#include "pdoom/error.hpp"

#include <cstdio>
#include <utility>

namespace pdoom {

std::string SourceLocation::to_string() const {
  // Formatted into a buffer: g++ 12 gives a false -Wrestrict warning on std::string concatenation here.
  char numbers[48] = "";
  if (line > 0 && column > 0) {
    std::snprintf(numbers, sizeof numbers, "%s%d:%d", file.empty() ? "" : ":", line, column);
  } else if (line > 0) {
    std::snprintf(numbers, sizeof numbers, "%s%d", file.empty() ? "" : ":", line);
  }
  std::string text = file;
  text.append(numbers);
  return text;
}

ExpressionError::ExpressionError(int column, std::string message)
    : Error("column " + std::to_string(column) + ": " + message),
      column_(column),
      message_(std::move(message)) {}

namespace {
std::string located(const SourceLocation& location, const std::string& message) {
  const std::string where = location.to_string();
  if (where.empty()) return message;
  std::string text = where;
  text.append(": ");
  text.append(message);
  return text;
}
}  // namespace

ModelError::ModelError(SourceLocation location, std::string message)
    : Error(located(location, message)), location_(std::move(location)), message_(std::move(message)) {}

}  // namespace pdoom
