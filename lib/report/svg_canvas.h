#pragma once
// The drawing primitives the report's charts are made of: an SVG document
// built element by element (every text XML-escaped, every number in fixed
// notation), a linear scale from data to pixels, and "nice" axis ticks. The
// output is plain inline SVG with system fonts, so a page that embeds it
// needs nothing from the network.
#include <string>
#include <utility>
#include <vector>

namespace wb {

// Escapes & < > " ' for XML text and attribute values (SVG and HTML alike).
std::string xml_escape(const std::string& text);

// Maps [domain_min, domain_max] onto [range_min, range_max]; a degenerate
// domain maps everything to the middle of the range.
struct LinearScale {
  double domain_min = 0;
  double domain_max = 1;
  double range_min = 0;
  double range_max = 1;
  double operator()(double value) const;
};

// Round tick values (1, 2 or 5 times a power of ten apart) covering
// [min, max], about `target_count` of them.
std::vector<double> nice_ticks(double min, double max, int target_count = 5);
// [min, max] widened to the outer nice ticks, and to a non-empty interval.
std::pair<double, double> nice_domain(double min, double max, int target_count = 5);

// A fixed palette that stays distinguishable for colour-blind readers
// (Okabe-Ito); index wraps around.
const std::string& palette_color(size_t index);

enum class TextAnchor { kStart, kMiddle, kEnd };

class SvgCanvas {
 public:
  // `title` becomes the <title> child, read by screen readers and shown as a tooltip.
  SvgCanvas(int width, int height, const std::string& title);

  void line(double x1, double y1, double x2, double y2, const std::string& stroke,
            double stroke_width = 1);
  void rect(double x, double y, double width, double height, const std::string& fill,
            const std::string& tooltip = "");
  void circle(double cx, double cy, double radius, const std::string& fill,
              const std::string& tooltip = "");
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                double stroke_width = 1.5, const std::string& tooltip = "");
  // `rotate` turns the text about its anchor point, e.g. -90 for a y-axis label.
  void text(double x, double y, const std::string& content, TextAnchor anchor = TextAnchor::kStart,
            int font_size = 12, double rotate = 0, const std::string& fill = "#222");

  int width() const { return width_; }
  int height() const { return height_; }
  // The finished <svg> element.
  std::string str() const;

 private:
  int width_;
  int height_;
  std::string body_;
};

}  // namespace wb
