#include "report/svg_canvas.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace wb {
namespace {

// Coordinates with two decimals: sharp enough on screen, short in the file.
std::string px(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", std::isfinite(value) ? value : 0.0);
  return buffer;
}

std::string anchor_name(TextAnchor anchor) {
  switch (anchor) {
    case TextAnchor::kMiddle:
      return "middle";
    case TextAnchor::kEnd:
      return "end";
    default:
      return "start";
  }
}

// A child <title> gives an element a hover tooltip without any script.
std::string tooltip_child(const std::string& tooltip) {
  return tooltip.empty() ? "" : "<title>" + xml_escape(tooltip) + "</title>";
}

double nice_step(double min, double max, int target_count) {
  const double raw = (max - min) / std::max(1, target_count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double multiple : {1.0, 2.0, 5.0, 10.0}) {
    if (multiple * power >= raw) return multiple * power;
  }
  return 10 * power;
}

// A non-empty interval around a single value, so scales never divide by zero.
std::pair<double, double> widened(double min, double max) {
  if (!std::isfinite(min) || !std::isfinite(max)) return {0, 1};
  if (max > min) return {min, max};
  const double half = min == 0 ? 1.0 : std::fabs(min) * 0.1;
  return {min - half, max + half};
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

double LinearScale::operator()(double value) const {
  if (domain_max == domain_min) return (range_min + range_max) / 2;
  return range_min + (value - domain_min) / (domain_max - domain_min) * (range_max - range_min);
}

std::vector<double> nice_ticks(double min, double max, int target_count) {
  std::tie(min, max) = widened(min, max);
  const double step = nice_step(min, max, target_count);
  std::vector<double> ticks;
  // The 1e-9 slack keeps end points that rounding puts a hair outside.
  for (double tick = std::ceil(min / step - 1e-9) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push_back(std::fabs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return ticks;
}

std::pair<double, double> nice_domain(double min, double max, int target_count) {
  std::tie(min, max) = widened(min, max);
  const double step = nice_step(min, max, target_count);
  return {std::floor(min / step + 1e-9) * step, std::ceil(max / step - 1e-9) * step};
}

const std::string& palette_color(size_t index) {
  static const std::array<std::string, 8> colors = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                    "#D55E00", "#56B4E9", "#F0E442", "#000000"};
  return colors[index % colors.size()];
}

SvgCanvas::SvgCanvas(int width, int height, const std::string& title)
    : width_(width), height_(height) {
  body_ += "<title>" + xml_escape(title) + "</title>";
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, const std::string& stroke,
                     double stroke_width) {
  body_ += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" +
           px(y2) + "\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" + px(stroke_width) +
           "\"/>";
}

void SvgCanvas::rect(double x, double y, double width, double height, const std::string& fill,
                     const std::string& tooltip) {
  body_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(0.0, width)) +
           "\" height=\"" + px(std::max(0.0, height)) + "\" fill=\"" + xml_escape(fill) + "\">" +
           tooltip_child(tooltip) + "</rect>";
}

void SvgCanvas::circle(double cx, double cy, double radius, const std::string& fill,
                       const std::string& tooltip) {
  body_ += "<circle cx=\"" + px(cx) + "\" cy=\"" + px(cy) + "\" r=\"" + px(radius) + "\" fill=\"" +
           xml_escape(fill) + "\" fill-opacity=\"0.8\">" + tooltip_child(tooltip) + "</circle>";
}

void SvgCanvas::polyline(const std::vector<std::pair<double, double>>& points,
                         const std::string& stroke, double stroke_width,
                         const std::string& tooltip) {
  std::string coordinates;
  for (const auto& [x, y] : points) {
    if (!coordinates.empty()) coordinates += ' ';
    coordinates += px(x) + "," + px(y);
  }
  body_ += "<polyline points=\"" + coordinates + "\" fill=\"none\" stroke=\"" + xml_escape(stroke) +
           "\" stroke-width=\"" + px(stroke_width) + "\" stroke-linejoin=\"round\">" +
           tooltip_child(tooltip) + "</polyline>";
}

void SvgCanvas::text(double x, double y, const std::string& content, TextAnchor anchor,
                     int font_size, double rotate, const std::string& fill) {
  std::string transform;
  if (rotate != 0) {
    transform = " transform=\"rotate(" + px(rotate) + " " + px(x) + " " + px(y) + ")\"";
  }
  body_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor_name(anchor) +
           "\" font-size=\"" + std::to_string(font_size) + "\" fill=\"" + xml_escape(fill) + "\"" +
           transform + ">" + xml_escape(content) + "</text>";
}

std::string SvgCanvas::str() const {
  const std::string w = std::to_string(width_), h = std::to_string(height_);
  // viewBox plus max-width lets the chart shrink with a narrow window.
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h +
         "\" role=\"img\" font-family=\"sans-serif\" style=\"max-width:100%;height:auto\">" +
         body_ + "</svg>";
}

}  // namespace wb
