// The shared skeleton of the HTML reports.

#include "html_page.hpp"

#include "pdoom/io/html_report.hpp"
#include "pdoom/io/svg.hpp"

#include <cmath>

namespace pdoom::html {

namespace {

constexpr const char* style_sheet = R"css(
body { font-family: Helvetica, Arial, sans-serif; color: #1a1a1a; max-width: 1120px; margin: 24px auto; padding: 0 20px; line-height: 1.45; background: #ffffff; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; border-bottom: 2px solid #1f4e79; padding-bottom: 3px; margin-top: 34px; color: #1f4e79; }
h3 { font-size: 16px; margin-bottom: 6px; }
p.meta { color: #555555; margin: 2px 0; }
table { border-collapse: collapse; margin: 8px 0 14px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.changed td { background: #fff8e6; }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
.stat { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 150px; background: #f7f9fb; }
.stat .value { font-size: 22px; font-weight: bold; color: #1f4e79; }
.stat .what { font-size: 12px; color: #555555; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { overflow-x: auto; }
.note { color: #555555; font-size: 13px; }
.gap { background: #fff8e6; border-left: 4px solid #e0a100; padding: 6px 12px; margin: 10px 0; }
.warning { background: #fdecea; border-left: 4px solid #c0392b; padding: 4px 12px; margin: 4px 0; }
ul.sources li { word-break: break-all; }
footer { margin-top: 40px; color: #777777; font-size: 12px; }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; } .chart, table, .stat { break-inside: avoid; } }
)css";

}  // namespace

std::string page_start(std::string_view title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escaped(title) + "</title>\n<style>" + style_sheet + "</style>\n</head>\n<body>\n";
}

std::string page_end(std::string_view text) {
  return "<footer id=\"about\">" + html_escaped(text) + "</footer>\n</body>\n</html>\n";
}

std::string value_text(double value, bool probability) {
  return probability ? svg::short_percent(value) : svg::short_number(value);
}

std::string mean_and_error(const Summary& summary, bool probability) {
  const double error = summary.standard_error <= 1e-12 * std::abs(summary.mean) ? 0.0 : summary.standard_error;
  return value_text(summary.mean, probability) + " \u00b1 " + value_text(error, probability);
}

std::string stat_box(std::string_view value, std::string_view what) {
  return "<div class=\"stat\"><div class=\"value\">" + html_escaped(value) + "</div><div class=\"what\">" +
         html_escaped(what) + "</div></div>";
}

}  // namespace pdoom::html
