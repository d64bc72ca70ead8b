#include "pdoom/error.hpp"

#include <utility>

namespace pdoom {

std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += (text.empty() ? "" : ":") + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  return text;
}

ExpressionError::ExpressionError(int column, std::string message)
    : Error("column " + std::to_string(column) + ": " + message),
      column_(column),
      message_(std::move(message)) {}

namespace {
std::string located(const SourceLocation& location, const std::string& message) {
  const std::string where = location.to_string();
  return where.empty() ? message : where + ": " + message;
}
}  // namespace

ModelError::ModelError(SourceLocation location, std::string message)
    : Error(located(location, message)), location_(std::move(location)), message_(std::move(message)) {}

}  // namespace pdoom
