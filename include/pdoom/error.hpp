#pragma once
// The library's exception types. Every error pdoom raises derives from pdoom::Error.

#include <stdexcept>
#include <string>

namespace pdoom {

/// Where something was written: a file, a 1-based line and a 1-based column (0 = unknown).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "FILE:LINE:COL", leaving out the parts that are unknown; "" when nothing is known.
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool known() const noexcept { return !file.empty() || line > 0; }
};

/// Base of every exception thrown by pdoom.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An invalid distribution parameter, e.g. "beta_ci: lo (0.9) must be below hi (0.1)".
class ParameterError : public Error {
 public:
  using Error::Error;
};

/// A syntax or arity error inside one expression string; `column` is 1-based within that string.
class ExpressionError : public Error {
 public:
  ExpressionError(int column, std::string message);
  [[nodiscard]] int column() const noexcept { return column_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  int column_;
  std::string message_;
};

/// An invalid model: what() is "FILE:LINE:COL: message" when the location is known.
class ModelError : public Error {
 public:
  ModelError(SourceLocation location, std::string message);
  [[nodiscard]] const SourceLocation& location() const noexcept { return location_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation location_;
  std::string message_;
};

/// A numerical fault during a run: NaN/inf in a node, or a probability outside [0, 1].
class NumericalError : public Error {
 public:
  using Error::Error;
};

/// A run stopped by its cancellation hook.
class CancelledError : public Error {
 public:
  using Error::Error;
};

}  // namespace pdoom
