#pragma once
// The page skeleton and small pieces shared by pdoom's HTML documents (the run report and the
// comparison report), so that they look alike and stay self-contained: inline CSS, no scripts, no URLs.
// Private to the library (src/io), not part of the public headers.

#include "pdoom/stats/summary.hpp"

#include <string>
#include <string_view>

namespace pdoom::html {

/// "<!DOCTYPE html>" up to and including "<body>": charset, viewport, the escaped <title> and the style
/// sheet of the reports.
[[nodiscard]] std::string page_start(std::string_view title);

/// The footer (id="about", `text` escaped) and the closing tags.
[[nodiscard]] std::string page_end(std::string_view text);

/// A value as a compact percentage when `probability`, else 3 significant digits.
[[nodiscard]] std::string value_text(double value, bool probability);

/// "mean ± standard error"; an error below 1e-12 of the mean is rounding residue and reads as 0.
[[nodiscard]] std::string mean_and_error(const Summary& summary, bool probability);

/// A headline box: a large value over a short description (both escaped).
[[nodiscard]] std::string stat_box(std::string_view value, std::string_view what);

}  // namespace pdoom::html
