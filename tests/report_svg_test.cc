// The report's drawing layer: escaping, well-formed SVG, one element per
// drawn item, nice ticks, and number formatting.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "report/number_format.h"
#include "report/svg_canvas.h"
#include "report/svg_chart.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::count_of;

namespace {

// A small XML check: tags nest and close in order, attribute quotes pair up,
// and every '&' starts one of the entities xml_escape writes. Returns what is
// wrong, or "" for well-formed markup.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  size_t at = 0;
  while ((at = xml.find('<', at)) != std::string::npos) {
    const size_t end = xml.find('>', at);
    if (end == std::string::npos) return "a tag is not terminated";
    const std::string tag = xml.substr(at + 1, end - at - 1);
    if (count_of(tag, "\"") % 2 != 0) return "unbalanced quotes in <" + tag + ">";
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1))
        return "unexpected </" + tag.substr(1) + ">";
      open.pop_back();
    } else if (tag.back() != '/' && tag[0] != '!' && tag[0] != '?') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    at = end + 1;
  }
  for (size_t amp = xml.find('&'); amp != std::string::npos; amp = xml.find('&', amp + 1)) {
    bool known = false;
    for (const char* entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"}) {
      known = known || xml.compare(amp, std::string(entity).size(), entity) == 0;
    }
    if (!known) return "a bare '&'";
  }
  return open.empty() ? "" : "<" + open.back() + "> is not closed";
}

ChartLabels tricky_labels() { return {"Loss <by> \"variant\" & 'run'", "step <n>", "loss & more"}; }

}  // namespace

TEST_CASE("xml_escape escapes the five XML special characters", "[report]") {
  REQUIRE(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  REQUIRE(xml_escape("plain") == "plain");
}

TEST_CASE("the XML check used below rejects broken markup", "[report]") {
  REQUIRE(xml_problem("<svg><g></g></svg>").empty());
  REQUIRE_FALSE(xml_problem("<svg><g></svg>").empty());
  REQUIRE_FALSE(xml_problem("<svg><text>a & b</text></svg>").empty());
  REQUIRE_FALSE(xml_problem("<svg x=\"1></svg>").empty());
}

TEST_CASE("a line chart draws one polyline per series and one legend entry per name", "[report]") {
  std::vector<LineSeries> series = {
      {"cpu / torch / fp32", {0, 10, 20}, {4.1, 3.2, 2.9}},
      {"cpu / torch / fp32", {0, 10, 20}, {4.0, 3.3, 2.8}},
      {"cuda <fast> & \"new\"", {0, 10, 20}, {4.2, 3.0, 2.7}},
  };
  const std::string svg = line_chart(tricky_labels(), series);
  INFO(svg);
  REQUIRE(xml_problem(svg).empty());
  REQUIRE(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  REQUIRE(count_of(svg, "<svg") == 1);
  REQUIRE(count_of(svg, "<polyline") == 3);
  REQUIRE(count_of(svg, "<rect") == 2);  // legend swatches: the repetitions share one
  REQUIRE_THAT(svg, Contains("Loss &lt;by&gt; &quot;variant&quot; &amp; &#39;run&#39;"));
  REQUIRE_THAT(svg, Contains("cuda &lt;fast&gt; &amp; &quot;new&quot;"));
  REQUIRE(svg.find("<by>") == std::string::npos);
  REQUIRE_THAT(svg, Contains(">step &lt;n&gt;</text>"));
}

TEST_CASE("non-finite points are left out and an empty chart says so", "[report]") {
  const std::string partial = line_chart({"t", "x", "y"}, {{"a", {0, 1, 2}, {1.0, NAN, 3.0}}});
  REQUIRE(xml_problem(partial).empty());
  REQUIRE_THAT(partial, !Contains("nan") && !Contains("inf"));
  const size_t points_at = partial.find("<polyline points=\"");
  const std::string points =
      partial.substr(points_at, partial.find('"', points_at + 18) - points_at);
  REQUIRE(count_of(points, ",") == 2);

  for (const std::string& svg :
       {line_chart({"empty", "x", "y"}, {}), grouped_bar_chart({"empty", "x", "y"}, {}),
        scatter_chart({"empty", "x", "y"}, {}), parallel_coordinates({"empty", "", ""}, {})}) {
    REQUIRE(xml_problem(svg).empty());
    REQUIRE_THAT(svg, Contains(">no data</text>"));
  }
}

TEST_CASE("a grouped bar chart draws a bar and a whisker per value", "[report]") {
  GroupedBars bars;
  bars.groups = {"walk", "train"};
  bars.series = {"cpu", "cuda"};
  bars.values = {{{2.0, 1.8, 2.5}, {0.5, 0.4, 0.6}}, {{12.0, 10.0, 30.0}, {}}};
  const std::string svg = grouped_bar_chart(tricky_labels(), bars);
  INFO(svg);
  REQUIRE(xml_problem(svg).empty());
  REQUIRE(count_of(svg, "<rect") == 3 + 2);    // three bars (one value is missing) + legend
  REQUIRE(count_of(svg, "<title>") == 1 + 3);  // the chart's and one tooltip per bar
  REQUIRE_THAT(svg, Contains(">walk</text>") && Contains(">train</text>"));
  // The y axis reaches the highest whisker (30), not just the highest bar.
  REQUIRE_THAT(svg, Contains(">30</text>"));
}

TEST_CASE("a scatter chart takes numeric or categorical x", "[report]") {
  const std::string numeric =
      scatter_chart({"auc", "p", "auc"}, {{0.25, 1, 4}, {0.8, 0.9, 0.85}, {}});
  REQUIRE(xml_problem(numeric).empty());
  REQUIRE(count_of(numeric, "<circle") == 3);

  const std::string categorical = scatter_chart(
      {"auc", "sampler", "auc"}, {{0, 1, 1}, {0.8, 0.9, 0.91}, {"node2vec", "uniform"}});
  REQUIRE(xml_problem(categorical).empty());
  REQUIRE(count_of(categorical, "<circle") == 3);
  REQUIRE_THAT(categorical, Contains(">node2vec</text>") && Contains(">uniform</text>"));
}

TEST_CASE("parallel coordinates draw one axis per parameter and one line per item", "[report]") {
  std::vector<ParallelAxis> axes = {
      {"walk.p", {0.25, 1, 4, 1}, {}},
      {"walk.sampler", {0, 1, 0, 1}, {"node2vec", "uniform"}},
      {"auc", {0.8, 0.9, 0.85, 0.7}, {}},
  };
  const std::string svg = parallel_coordinates({"points", "", ""}, axes);
  INFO(svg);
  REQUIRE(xml_problem(svg).empty());
  REQUIRE(count_of(svg, "<polyline") == 4);
  REQUIRE_THAT(svg, Contains(">walk.p</text>") && Contains(">uniform</text>"));
  // The best line is drawn last (on top) and darkest.
  const size_t last = svg.rfind("<polyline");
  REQUIRE_THAT(svg.substr(last), Contains("auc = 0.9"));
  REQUIRE_THAT(svg.substr(last), Contains("stroke=\"#08306b\""));
}

TEST_CASE("nice ticks are round numbers covering the range", "[report]") {
  const auto unit = nice_ticks(0, 1);
  REQUIRE(unit.size() == 6);
  for (size_t i = 0; i < unit.size(); ++i) REQUIRE(unit[i] == Approx(0.2 * static_cast<double>(i)));
  const auto ticks = nice_ticks(13, 87);
  REQUIRE(ticks == std::vector<double>{20, 40, 60, 80});
  REQUIRE(nice_domain(13, 87) == std::make_pair(0.0, 100.0));
  REQUIRE(nice_domain(5, 5).first < 5);
  REQUIRE(nice_domain(5, 5).second > 5);
  const LinearScale scale{0, 10, 100, 0};  // y grows downwards on screen
  REQUIRE(scale(0) == 100);
  REQUIRE(scale(10) == 0);
  REQUIRE(scale(2.5) == 75);
}

TEST_CASE("report numbers are short and never in exponent notation", "[report]") {
  REQUIRE(format_significant(0.012345) == "0.0123");
  REQUIRE(format_significant(1.23456) == "1.23");
  REQUIRE(format_significant(123456.0) == "123456");
  REQUIRE(format_significant(0.0) == "0");
  REQUIRE(format_significant(NAN) == "n/a");
  REQUIRE(format_seconds(123.4) == "123");
  REQUIRE(format_seconds(12.34) == "12.3");
  REQUIRE(format_seconds(1.234) == "1.23");
  REQUIRE(format_seconds(0.01234) == "0.012");
  REQUIRE(format_si(1234567.0) == "1.23M");
  REQUIRE(format_si(2500.0) == "2.50k");
  REQUIRE(format_si(12.5) == "12.5");
  REQUIRE(format_speedup(2.5) == "2.50x");
  REQUIRE(format_speedup(12.34) == "12.3x");
  REQUIRE(format_mean_std(0.9123, 0.0042, 3) == "0.912 ± 0.004");
  REQUIRE(format_mean_std(0.9123, 0.0, 1) == "0.912");
}
