// The SVG chart writer: plain string building, one <svg> element per chart.

#include "pdoom/io/svg.hpp"

#include "pdoom/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace pdoom::svg {

namespace {

constexpr double font_size = 11;
// Average advance of a sans-serif glyph at font_size: used to keep labels apart without measuring text.
constexpr double glyph_width = 6.4;
constexpr const char* font = "font-family=\"Helvetica,Arial,sans-serif\"";

double text_width(std::string_view text) {
  // Count UTF-8 code points, not bytes, so that non-ASCII labels are not over-estimated.
  double count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) count += 1;
  }
  return count * glyph_width;
}

// Cuts text to about `width` pixels with an ellipsis, never inside a UTF-8 character.
std::string fitted(std::string_view text, double width) {
  if (text_width(text) <= width) return std::string(text);
  const auto keep = static_cast<std::size_t>(std::max(1.0, width / glyph_width - 1));
  std::string out;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) {
      if (characters == keep) break;
      ++characters;
    }
    out += text[i];
  }
  return out + "\u2026";
}

std::string num(double value) { return fmt::format("{:.2f}", value); }

std::string open_svg(double width, double height, std::string_view title) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" {} font-size=\"{}\">",
      num(width), num(height), num(width), num(height), font, font_size);
  if (!title.empty()) out += "<title>" + xml_escaped(title) + "</title>";
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>", num(width), num(height));
  return out;
}

std::string text_at(double x, double y, std::string_view text, std::string_view anchor = "start",
                    std::string_view extra = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}{}>{}</text>", num(x), num(y), anchor,
                     extra.empty() ? "" : " ", extra, xml_escaped(text));
}

std::string line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
                 std::string_view extra = "") {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>",
                     num(x1), num(y1), num(x2), num(y2), stroke, width, extra.empty() ? "" : " ", extra);
}

std::string rect(double x, double y, double width, double height, std::string_view fill,
                 std::string_view extra = "") {
  return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}/>", num(x), num(y),
                     num(std::max(0.0, width)), num(std::max(0.0, height)), fill, extra.empty() ? "" : " ", extra);
}

// A rectangle with a tooltip (already escaped `title`).
std::string rect_titled(double x, double y, double width, double height, std::string_view fill,
                        std::string_view title, std::string_view extra = "") {
  return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}><title>{}</title></rect>",
                     num(x), num(y), num(std::max(0.0, width)), num(std::max(0.0, height)), fill,
                     extra.empty() ? "" : " ", extra, title);
}

// A linear or log scale from a data interval to a pixel interval.
struct Scale {
  double lo = 0, hi = 1, from = 0, to = 1;
  bool log = false;
  [[nodiscard]] double operator()(double value) const {
    const double a = log ? std::log10(lo) : lo;
    const double b = log ? std::log10(hi) : hi;
    const double v = log ? std::log10(std::max(value, lo)) : value;
    if (!(b > a)) return (from + to) / 2;
    return from + (v - a) / (b - a) * (to - from);
  }
};

// Which tick labels to draw so that neighbours do not overlap: every k-th, k the smallest that fits.
std::vector<bool> visible_labels(const Ticks& ticks, const Scale& scale, bool horizontal) {
  std::vector<bool> show(ticks.values.size(), true);
  if (ticks.values.size() < 2) return show;
  for (std::size_t step = 1; step < ticks.values.size(); ++step) {
    bool fits = true;
    for (std::size_t i = step; i < ticks.values.size(); i += step) {
      const double gap = std::abs(scale(ticks.values[i]) - scale(ticks.values[i - step]));
      const double need = horizontal ? (text_width(ticks.labels[i]) + text_width(ticks.labels[i - step])) / 2 + 6
                                     : font_size + 2;
      if (gap < need) {
        fits = false;
        break;
      }
    }
    if (fits) {
      for (std::size_t i = 0; i < show.size(); ++i) show[i] = i % step == 0;
      return show;
    }
  }
  std::fill(show.begin(), show.end(), false);
  show.front() = true;
  return show;
}

// The x axis (ticks, grid lines, labels) along the bottom of the plot area.
std::string x_axis(const Ticks& ticks, const Scale& scale, double top, double bottom, std::string_view label) {
  std::string out;
  const std::vector<bool> show = visible_labels(ticks, scale, true);
  for (std::size_t i = 0; i < ticks.values.size(); ++i) {
    const double x = scale(ticks.values[i]);
    out += line(x, top, x, bottom, "#e4e4e4");
    out += line(x, bottom, x, bottom + 4, "#555555");
    if (show[i]) out += text_at(x, bottom + 16, ticks.labels[i], "middle", "fill=\"#333333\"");
  }
  out += line(scale.from, bottom, scale.to, bottom, "#555555");
  if (!label.empty()) {
    out += text_at((scale.from + scale.to) / 2, bottom + 32, label, "middle", "fill=\"#333333\"");
  }
  return out;
}

// The y axis along the left of the plot area.
std::string y_axis(const Ticks& ticks, const Scale& scale, double left, double right, std::string_view label) {
  std::string out;
  const std::vector<bool> show = visible_labels(ticks, scale, false);
  for (std::size_t i = 0; i < ticks.values.size(); ++i) {
    const double y = scale(ticks.values[i]);
    out += line(left, y, right, y, "#e4e4e4");
    out += line(left - 4, y, left, y, "#555555");
    if (show[i]) out += text_at(left - 6, y + 4, ticks.labels[i], "end", "fill=\"#333333\"");
  }
  out += line(left, scale.from, left, scale.to, "#555555");
  if (!label.empty()) {
    const double y = (scale.from + scale.to) / 2;
    out += fmt::format("<text x=\"12\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\" transform=\"rotate(-90 12 {})\">{}</text>",
                       num(y), num(y), xml_escaped(label));
  }
  return out;
}

std::string title_text(const ChartOptions& options) {
  if (options.title.empty()) return {};
  return text_at(options.width / 2, 16, fitted(options.title, options.width - 20), "middle",
                 "font-weight=\"bold\" font-size=\"12\"");
}

std::string tick_label(double value, bool percent) { return percent ? short_percent(value) : short_number(value); }

std::string trimmed_zeros(std::string text) {
  if (text.find('.') == std::string::npos || text.find('e') != std::string::npos) return text;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// A label area wide enough for the longest label, within limits, for the bar-type charts.
double label_margin(double longest, double width) { return std::clamp(longest + 14, 60.0, width * 0.42); }

}  // namespace

std::string xml_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string short_number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "inf" : "-inf");
  if (value == 0) return "0";
  const double magnitude = std::abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) {
    const int digits = std::max(0, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
    return trimmed_zeros(fmt::format("{:.{}f}", value, digits));
  }
  std::string text = fmt::format("{:.2e}", value);
  // "1.00e-05" -> "1e-05": drop the mantissa's trailing zeros.
  const std::size_t e = text.find('e');
  return trimmed_zeros(text.substr(0, e)) + text.substr(e);
}

std::string short_percent(double probability) {
  if (!std::isfinite(probability)) return short_number(probability);
  return short_number(probability * 100) + "%";
}

Ticks nice_ticks(double lo, double hi, int target, bool percent) {
  Ticks ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * power;
    if (step >= raw) break;
  }
  const double first = std::floor(lo / step) * step;
  const double last = std::ceil(hi / step) * step;
  const auto count = static_cast<long>(std::llround((last - first) / step));
  for (long i = 0; i <= count; ++i) {
    double value = first + static_cast<double>(i) * step;
    if (std::abs(value) < step * 1e-9) value = 0;  // -0 and 1e-17 from rounding read as 0
    ticks.values.push_back(value);
    ticks.labels.push_back(tick_label(value, percent));
  }
  return ticks;
}

Ticks log_ticks(double lo, double hi, bool percent) {
  Ticks ticks;
  if (!(lo > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (hi < lo) std::swap(lo, hi);
  auto first = static_cast<int>(std::floor(std::log10(lo) + 1e-12));
  auto last = static_cast<int>(std::ceil(std::log10(hi) - 1e-12));
  if (last <= first) last = first + 1;
  // Over many decades a tick per decade crowds the axis: step by 1, 2, 5, 10, 20, 50, ... decades.
  int step = 1;
  for (const int candidate : {1, 2, 5, 10, 20, 50, 100}) {
    step = candidate;
    if ((last - first) / candidate <= 10) break;
  }
  first = static_cast<int>(std::floor(static_cast<double>(first) / step)) * step;
  last = static_cast<int>(std::ceil(static_cast<double>(last) / step)) * step;
  for (int k = first; k <= last; k += step) {
    const double value = std::pow(10.0, k);
    ticks.values.push_back(value);
    if (percent) {
      ticks.labels.push_back(short_percent(value));
    } else if (k >= -3 && k <= 4) {
      ticks.labels.push_back(short_number(value));
    } else {
      ticks.labels.push_back(fmt::format("1e{}", k));
    }
  }
  return ticks;
}

std::string histogram_chart(const Histogram& histogram, const ChartOptions& options, bool log_x) {
  const double left = 56, right = options.width - 16, top = options.title.empty() ? 12 : 28;
  const double bottom = options.height - (options.x_label.empty() ? 26 : 42);
  std::string out = open_svg(options.width, options.height, options.title);
  out += title_text(options);
  if (histogram.edges.size() < 2 || histogram.counts.empty()) return out + "</svg>";
  double lo = histogram.edges.front(), hi = histogram.edges.back();
  if (log_x) {
    auto positive = std::find_if(histogram.edges.begin(), histogram.edges.end(), [](double e) { return e > 0; });
    if (positive == histogram.edges.end()) log_x = false;
    else lo = *positive;
  }
  const Ticks x_ticks = log_x ? log_ticks(lo, hi, options.percent) : nice_ticks(lo, hi, 6, options.percent);
  Scale x{x_ticks.values.front(), x_ticks.values.back(), left, right, log_x};
  const std::uint64_t total = std::accumulate(histogram.counts.begin(), histogram.counts.end(), std::uint64_t{0}) +
                              histogram.underflow + histogram.overflow;
  std::uint64_t largest = *std::max_element(histogram.counts.begin(), histogram.counts.end());
  const double top_share = total == 0 ? 1 : static_cast<double>(largest) / static_cast<double>(total);
  const Ticks y_ticks = nice_ticks(0, top_share > 0 ? top_share : 1, 4, true);
  Scale y{y_ticks.values.front(), y_ticks.values.back(), bottom, top, false};
  out += y_axis(y_ticks, y, left, right, options.y_label.empty() ? "share of samples" : options.y_label);
  for (std::size_t i = 0; i < histogram.counts.size(); ++i) {
    const double a = histogram.edges[i], b = histogram.edges[i + 1];
    if (log_x && a <= 0) continue;
    const double share = total == 0 ? 0 : static_cast<double>(histogram.counts[i]) / static_cast<double>(total);
    const double x0 = x(a), x1 = x(b), y0 = y(share);
    out += rect_titled(x0 + 0.5, y0, x1 - x0 - 1, bottom - y0, options.colour,
                       fmt::format("{} to {}: {}", xml_escaped(tick_label(a, options.percent)),
                                   xml_escaped(tick_label(b, options.percent)), short_percent(share)),
                       "fill-opacity=\"0.85\"");
  }
  out += x_axis(x_ticks, x, top, bottom, options.x_label);
  return out + "</svg>";
}

std::string cdf_chart(std::span<const double> xs, std::span<const double> ps, const ChartOptions& options, bool log_x) {
  const double left = 56, right = options.width - 16, top = options.title.empty() ? 12 : 28;
  const double bottom = options.height - (options.x_label.empty() ? 26 : 42);
  std::string out = open_svg(options.width, options.height, options.title);
  out += title_text(options);
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < std::min(xs.size(), ps.size()); ++i) {
    if (!std::isfinite(xs[i]) || (log_x && xs[i] <= 0)) continue;
    points.emplace_back(xs[i], ps[i]);
  }
  if (points.empty()) return out + "</svg>";
  const double lo = points.front().first, hi = points.back().first;
  const Ticks x_ticks = log_x ? log_ticks(lo, hi, options.percent) : nice_ticks(lo, hi, 6, options.percent);
  Scale x{x_ticks.values.front(), x_ticks.values.back(), left, right, log_x};
  const Ticks y_ticks = nice_ticks(0, 1, 5, true);
  Scale y{0, 1, bottom, top, false};
  out += y_axis(y_ticks, y, left, right, options.y_label.empty() ? "P(value \u2264 x)" : options.y_label);
  std::string path;
  for (const auto& [value, probability] : points) {
    path += fmt::format("{}{},{}", path.empty() ? "M" : " L", num(x(value)), num(y(probability)));
  }
  out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", path, options.colour);
  out += x_axis(x_ticks, x, top, bottom, options.x_label);
  return out + "</svg>";
}

namespace {

// Shared body of the horizontal bar charts: rows of one or two series.
std::string bars_body(std::span<const Bar> first, std::span<const Bar> second, std::string_view first_name,
                      std::string_view second_name, const ChartOptions& options) {
  const std::size_t rows = first.size();
  const bool two = !second.empty();
  const double row_height = two ? 30 : 22;
  double longest = 0;
  for (const Bar& bar : first) longest = std::max(longest, text_width(bar.label));
  const double left = label_margin(longest, options.width);
  const double right = options.width - 16;
  const double top = (options.title.empty() ? 12 : 28) + (two ? 16 : 0);
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(rows, 1));
  const double height = bottom + (options.x_label.empty() ? 26 : 42);
  std::string out = open_svg(options.width, height, options.title);
  out += title_text(options);
  double lo = 0, hi = 0;
  auto extend = [&](std::span<const Bar> bars) {
    for (const Bar& bar : bars) {
      for (const double v : {bar.value, bar.low, bar.high}) {
        if (std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
    }
  };
  extend(first);
  extend(second);
  if (hi <= lo) hi = lo + 1;
  const Ticks ticks = nice_ticks(lo, hi, 5, options.percent);
  Scale x{ticks.values.front(), ticks.values.back(), left, right, false};
  const std::string second_colour = "#d08a2e";
  if (two) {
    const double legend_y = top - 8;
    out += rect(left, legend_y - 9, 10, 10, options.colour);
    out += text_at(left + 14, legend_y, first_name);
    const double second_x = left + 24 + text_width(first_name) + 12;
    out += rect(second_x, legend_y - 9, 10, 10, second_colour);
    out += text_at(second_x + 14, legend_y, second_name);
  }
  out += x_axis(ticks, x, top, bottom, options.x_label);
  auto draw = [&](const Bar& bar, double y_mid, double thickness, std::string_view colour) {
    const double zero = x(0);
    const double end = x(std::isfinite(bar.value) ? bar.value : 0);
    out += rect_titled(std::min(zero, end), y_mid - thickness / 2, std::abs(end - zero), thickness, colour,
                fmt::format("{}: {} [{}, {}]", xml_escaped(bar.label),
                            xml_escaped(tick_label(bar.value, options.percent)),
                            xml_escaped(tick_label(bar.low, options.percent)),
                            xml_escaped(tick_label(bar.high, options.percent))));
    if (std::isfinite(bar.low) && std::isfinite(bar.high) && bar.high > bar.low) {
      const double a = x(bar.low), b = x(bar.high);
      out += line(a, y_mid, b, y_mid, "#222222", 1.2);
      out += line(a, y_mid - 4, a, y_mid + 4, "#222222", 1.2);
      out += line(b, y_mid - 4, b, y_mid + 4, "#222222", 1.2);
    }
  };
  for (std::size_t i = 0; i < rows; ++i) {
    const double row_top = top + row_height * static_cast<double>(i);
    const double mid = row_top + row_height / 2;
    out += text_at(left - 8, mid + 4, fitted(first[i].label, left - 14), "end", "fill=\"#222222\"");
    if (two) {
      draw(first[i], mid - 6, 10, options.colour);
      if (i < second.size()) draw(second[i], mid + 6, 10, second_colour);
    } else {
      draw(first[i], mid, 14, options.colour);
    }
  }
  out += line(x(0), top, x(0), bottom, "#555555");
  return out + "</svg>";
}

}  // namespace

std::string bar_chart(std::span<const Bar> bars, const ChartOptions& options) {
  return bars_body(bars, {}, "", "", options);
}

std::string grouped_bar_chart(std::span<const Bar> first, std::span<const Bar> second, std::string_view first_name,
                              std::string_view second_name, const ChartOptions& options) {
  return bars_body(first, second, first_name, second_name, options);
}

std::string tornado_chart(std::span<const TornadoBar> bars, double baseline, const ChartOptions& options) {
  const double row_height = 22;
  double longest = 0;
  for (const TornadoBar& bar : bars) longest = std::max(longest, text_width(bar.label));
  const double left = label_margin(longest, options.width);
  const double right = options.width - 16;
  const double top = (options.title.empty() ? 12 : 28) + 16;
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  const double height = bottom + (options.x_label.empty() ? 26 : 42);
  std::string out = open_svg(options.width, height, options.title);
  out += title_text(options);
  double lo = baseline, hi = baseline;
  for (const TornadoBar& bar : bars) {
    for (const double v : {bar.low, bar.high}) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  const Ticks ticks = nice_ticks(lo, hi, 5, options.percent);
  Scale x{ticks.values.front(), ticks.values.back(), left, right, false};
  const std::string low_colour = "#4a8fc9", high_colour = "#d0593c";
  const double legend_y = top - 8;
  out += rect(left, legend_y - 9, 10, 10, low_colour);
  out += text_at(left + 14, legend_y, "input low");
  out += rect(left + 90, legend_y - 9, 10, 10, high_colour);
  out += text_at(left + 104, legend_y, "input high");
  out += x_axis(ticks, x, top, bottom, options.x_label);
  const double base_x = x(baseline);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const TornadoBar& bar = bars[i];
    const double mid = top + row_height * (static_cast<double>(i) + 0.5);
    out += text_at(left - 8, mid + 4, fitted(bar.label, left - 14), "end", "fill=\"#222222\"");
    const std::string tip = fmt::format("{}: low {}, high {}", xml_escaped(bar.label),
                                        xml_escaped(tick_label(bar.low, options.percent)),
                                        xml_escaped(tick_label(bar.high, options.percent)));
    for (const auto& [value, colour] : {std::pair{bar.low, low_colour}, std::pair{bar.high, high_colour}}) {
      if (!std::isfinite(value)) continue;
      const double end = x(value);
      out += rect_titled(std::min(base_x, end), mid - 7, std::abs(end - base_x), 14, colour, tip);
    }
  }
  out += line(base_x, top - 2, base_x, bottom, "#222222", 1.5);
  return out + "</svg>";
}

std::string waterfall_chart(double start, std::string_view start_label, std::span<const WaterfallStep> steps,
                            std::string_view end_label, const ChartOptions& options) {
  const double row_height = 22;
  const std::size_t rows = steps.size() + 2;
  double longest = std::max(text_width(start_label), text_width(end_label));
  for (const WaterfallStep& step : steps) longest = std::max(longest, text_width(step.label));
  const double left = label_margin(longest, options.width);
  const double right = options.width - 16;
  const double top = options.title.empty() ? 12 : 28;
  const double bottom = top + row_height * static_cast<double>(rows);
  const double height = bottom + (options.x_label.empty() ? 26 : 42);
  std::string out = open_svg(options.width, height, options.title);
  out += title_text(options);
  double level = start, lo = std::min(0.0, start), hi = std::max(0.0, start);
  for (const WaterfallStep& step : steps) {
    level += step.delta;
    const double error = std::isfinite(step.error) ? std::abs(step.error) : 0.0;
    lo = std::min(lo, level - error);
    hi = std::max(hi, level + error);
  }
  const Ticks ticks = nice_ticks(lo, hi, 5, options.percent);
  Scale x{ticks.values.front(), ticks.values.back(), left, right, false};
  out += x_axis(ticks, x, top, bottom, options.x_label);
  auto row = [&](std::size_t index, std::string_view label, double from, double to, std::string_view colour,
                 double error) {
    const double mid = top + row_height * (static_cast<double>(index) + 0.5);
    out += text_at(left - 8, mid + 4, fitted(label, left - 14), "end", "fill=\"#222222\"");
    const double a = x(from), b = x(to);
    std::string tip = fmt::format("{}: {}", xml_escaped(label), xml_escaped(tick_label(to - from, options.percent)));
    if (error > 0) tip += fmt::format(" \u00b1 {}", xml_escaped(tick_label(error, options.percent)));
    out += rect_titled(std::min(a, b), mid - 7, std::max(1.0, std::abs(b - a)), 14, colour, tip,
                       fmt::format("data-from=\"{}\" data-to=\"{}\"", from, to));
    if (error > 0) {
      // The whisker sits on the step's end: that is where the uncertainty of its size shows.
      const double e0 = x(to - error), e1 = x(to + error);
      out += line(e0, mid, e1, mid, "#222222");
      out += line(e0, mid - 4, e0, mid + 4, "#222222");
      out += line(e1, mid - 4, e1, mid + 4, "#222222");
    }
  };
  row(0, start_label, 0, start, "#777777", 0);
  level = start;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double next = level + steps[i].delta;
    const double error = std::isfinite(steps[i].error) ? std::abs(steps[i].error) : 0.0;
    row(i + 1, steps[i].label, level, next, steps[i].delta >= 0 ? "#c0392b" : "#2e8b57", error);
    level = next;
  }
  row(rows - 1, end_label, 0, level, "#555555", 0);
  out += line(x(0), top, x(0), bottom, "#555555");
  return out + "</svg>";
}

DagLayout layer_dag(std::size_t node_count, std::span<const std::pair<std::size_t, std::size_t>> edges) {
  std::vector<std::vector<std::size_t>> parents(node_count), children(node_count);
  std::vector<std::size_t> pending(node_count, 0);
  for (const auto& [from, to] : edges) {
    if (from >= node_count || to >= node_count) throw Error("layer_dag: edge index out of range");
    if (from == to) throw Error("layer_dag: the graph has a cycle");
    parents[to].push_back(from);
    children[from].push_back(to);
    ++pending[to];
  }
  // Kahn's algorithm gives a topological order; each node's layer is 1 + the largest of its parents'.
  DagLayout layout;
  layout.layer.assign(node_count, 0);
  std::vector<std::size_t> ready;
  for (std::size_t v = 0; v < node_count; ++v) {
    if (pending[v] == 0) ready.push_back(v);
  }
  std::size_t visited = 0;
  for (std::size_t head = 0; head < ready.size(); ++head) {
    const std::size_t v = ready[head];
    ++visited;
    for (const std::size_t child : children[v]) {
      layout.layer[child] = std::max(layout.layer[child], layout.layer[v] + 1);
      if (--pending[child] == 0) ready.push_back(child);
    }
  }
  if (visited != node_count) throw Error("layer_dag: the graph has a cycle");
  std::size_t layer_count = 0;
  for (const std::size_t l : layout.layer) layer_count = std::max(layer_count, l + 1);
  layout.layers.assign(node_count == 0 ? 0 : layer_count, {});
  for (std::size_t v = 0; v < node_count; ++v) layout.layers[layout.layer[v]].push_back(v);

  // Barycentre ordering: alternate sweeps sort each layer by the mean position of its neighbours in
  // the previous layer (down) or the next (up); the stable sort keeps declaration order on ties.
  std::vector<double> position(node_count, 0);
  auto record = [&](const std::vector<std::size_t>& nodes) {
    for (std::size_t i = 0; i < nodes.size(); ++i) position[nodes[i]] = static_cast<double>(i);
  };
  for (const auto& nodes : layout.layers) record(nodes);
  auto sweep = [&](std::size_t l, const std::vector<std::vector<std::size_t>>& neighbours) {
    std::vector<std::size_t>& nodes = layout.layers[l];
    std::vector<double> key(node_count, 0);
    for (const std::size_t v : nodes) {
      double sum = 0;
      std::size_t count = 0;
      for (const std::size_t u : neighbours[v]) {
        sum += position[u];
        ++count;
      }
      key[v] = count == 0 ? position[v] : sum / static_cast<double>(count);
    }
    std::stable_sort(nodes.begin(), nodes.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
    record(nodes);
  };
  for (int iteration = 0; iteration < 4; ++iteration) {
    for (std::size_t l = 1; l < layout.layers.size(); ++l) sweep(l, parents);
    for (std::size_t l = layout.layers.size(); l-- > 1;) sweep(l - 1, children);
  }
  return layout;
}

std::string dag_chart(std::span<const DagNode> nodes, std::span<const std::pair<std::size_t, std::size_t>> edges,
                      const ChartOptions& options) {
  const DagLayout layout = layer_dag(nodes.size(), edges);
  const double box_width = 170, box_height = 30, column_gap = 70, row_gap = 14;
  const double top = options.title.empty() ? 12 : 30;
  std::size_t tallest = 1;
  for (const auto& layer : layout.layers) tallest = std::max(tallest, layer.size());
  const double columns = static_cast<double>(std::max<std::size_t>(layout.layers.size(), 1));
  const double width = std::max(options.width, 20 + columns * box_width + (columns - 1) * column_gap + 20);
  const double inner_height = static_cast<double>(tallest) * (box_height + row_gap);
  const double height = top + inner_height + 16;
  const double used_width = columns * box_width + (columns - 1) * column_gap;
  const double left = (width - used_width) / 2;
  std::vector<double> x(nodes.size()), y(nodes.size());
  for (std::size_t l = 0; l < layout.layers.size(); ++l) {
    const auto& layer = layout.layers[l];
    // Each layer centred vertically, so short layers sit in the middle of tall ones.
    const double layer_height = static_cast<double>(layer.size()) * (box_height + row_gap);
    const double start = top + (inner_height - layer_height) / 2 + row_gap / 2;
    for (std::size_t i = 0; i < layer.size(); ++i) {
      x[layer[i]] = left + static_cast<double>(l) * (box_width + column_gap);
      y[layer[i]] = start + static_cast<double>(i) * (box_height + row_gap);
    }
  }
  ChartOptions sized = options;
  sized.width = width;
  std::string out = open_svg(width, height, options.title);
  out += title_text(sized);
  // Edges first, so that boxes are drawn over their ends.
  for (const auto& [from, to] : edges) {
    const double x1 = x[from] + box_width, y1 = y[from] + box_height / 2;
    const double x2 = x[to] - 7, y2 = y[to] + box_height / 2;
    const double bend = std::max(30.0, (x2 - x1) / 2);
    out += fmt::format("<path d=\"M{},{} C{},{} {},{} {},{}\" fill=\"none\" stroke=\"#7a7a7a\" stroke-width=\"1.2\"/>",
                       num(x1), num(y1), num(x1 + bend), num(y1), num(x2 - bend), num(y2), num(x2), num(y2));
    out += fmt::format("<polygon points=\"{},{} {},{} {},{}\" fill=\"#555555\"/>", num(x2 + 7), num(y2), num(x2),
                       num(y2 - 4), num(x2), num(y2 + 4));
  }
  for (std::size_t v = 0; v < nodes.size(); ++v) {
    const DagNode& node = nodes[v];
    const double shade = std::clamp(node.shade, 0.0, 1.0);
    // Light blue (no influence) to a saturated orange (most influential), outputs in a darker blue.
    const int red = static_cast<int>(std::lround(232 + (245 - 232) * shade));
    const int green = static_cast<int>(std::lround(240 + (166 - 240) * shade));
    const int blue = static_cast<int>(std::lround(250 + (80 - 250) * shade));
    const std::string fill = node.output ? std::string("#1f4e79") : fmt::format("#{:02x}{:02x}{:02x}", red, green, blue);
    out += fmt::format("<g><title>{}</title>", xml_escaped(node.tooltip.empty() ? node.name : node.tooltip));
    out += rect(x[v], y[v], box_width, box_height, fill,
                fmt::format("rx=\"{}\" stroke=\"{}\" stroke-width=\"{}\"", node.input ? 14 : 3,
                            node.output ? "#0d2a45" : "#5a6e85", node.output ? 2 : 1));
    out += text_at(x[v] + box_width / 2, y[v] + box_height / 2 + 4, fitted(node.name, box_width - 12), "middle",
                   node.output ? "fill=\"#ffffff\" font-weight=\"bold\"" : "fill=\"#1a1a1a\"");
    out += "</g>";
  }
  return out + "</svg>";
}

}  // namespace pdoom::svg
