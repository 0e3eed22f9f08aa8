package io.rlsearch.api.report;

import io.rlsearch.eval.Summary;
import io.rlsearch.experiments.BattleStudy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The battle's report page: inline SVG charts, readable at a glance, with nothing to fetch. */
final class BattlePage {
  private BattlePage() {}

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
      "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#8c6d31"};

  static String html(BattleStudy.Result r, int episodes, String title) {
    boolean several = r.seeds().size() >= 2;
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>").append(esc(title)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
            + "h2{margin-top:28px;font-size:18px}p.note{color:#555;font-size:13px}"
            + "table{border-collapse:collapse;margin-top:12px;font-size:13px}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
            + "td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:8px}"
            + "svg text{font-family:sans-serif}</style></head><body>\n");
    b.append("<h1>").append(esc(title)).append("</h1>\n");
    b.append(String.format(Locale.ROOT, "<p>%d training episodes per agent and seed; seeds %s; each trained policy"
        + " then served the same %d held-out users per seed without exploration. %s</p>\n", episodes, r.seeds(),
        r.evalUsers(), several ? "Intervals: 95%, Student t over the per-seed means."
            : "One seed: no intervals (they are over seeds; run several)."));
    b.append("<h2 id='forest'>Held-out reward of each trained policy</h2>\n");
    b.append(forest(r, false));
    b.append("<p class='note'>Dots: mean over seeds of each policy's mean reward on the held-out users; bars: 95% "
        + "interval over seeds. Dashed: random and static; solid grey: the best fixed boost vector and the best "
        + "per-segment vectors, found by search on the simulator (no learning).</p>\n");
    b.append("<h2 id='paired'>Paired difference to static (same users)</h2>\n");
    b.append(forest(r, true));
    b.append("<p class='note'>Per seed, the policy's held-out mean minus static's on the same users; dots: mean "
        + "over seeds, bars: 95% interval over seeds. Right of 0: better than static.</p>\n");
    b.append("<h2 id='curves'>Learning curves (training reward while exploring)</h2>\n");
    b.append(curves(r, episodes));
    b.append("<p class='note'>Each panel one agent, all on one scale: the training reward (moving average over 50 "
        + "episodes), each seed faint and their mean bold (clipped to the panel); the dashed line is the agent's "
        + "held-out greedy evaluation.</p>\n");
    b.append(table(r));
    b.append("</body></html>\n");
    return b.toString();
  }

  private static String forest(BattleStudy.Result r, boolean vsStatic) {
    List<BattleStudy.AgentResult> as = r.agents();
    int rowH = 26;
    int left = 170;
    int width = 900;
    int plotW = width - left - 30;
    int top = 38;
    int height = top + rowH * as.size() + 40;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (BattleStudy.AgentResult a : as) {
      Summary s = vsStatic ? a.evalVsStatic() : a.evalReturn();
      lo = Math.min(lo, s.n() >= 2 ? s.ciLow() : s.mean());
      hi = Math.max(hi, s.n() >= 2 ? s.ciHigh() : s.mean());
    }
    if (!vsStatic) {
      lo = Math.min(lo, r.fixedReference().mean());
      hi = Math.max(hi, Math.max(r.fixedReference().mean(), r.perSegmentReference().mean()));
    } else {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    double pad = (hi - lo) * 0.05 + 1e-9;
    lo -= pad;
    hi += pad;
    double[] range = {lo, hi};
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "<svg class='forest' width='%d' height='%d' viewBox='0 0 %d %d' role='img'>\n", width, height, width, height));
    // Axis with ticks.
    double step = niceStep((hi - lo) / 8);
    for (double t = Math.ceil(lo / step) * step; t <= hi; t += step) {
      double x = left + (t - lo) / (hi - lo) * plotW;
      b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#eee'/>"
          + "<text x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='#555'>%s</text>\n", x, top - 6, x,
          height - 30, x, height - 14, fmt(t)));
    }
    if (vsStatic) {
      marker(b, 0, "static", "#444", "4,3", range, left, plotW, top, height, 0);
    } else {
      BattleStudy.AgentResult random = find(as, "random");
      BattleStudy.AgentResult st = find(as, "static");
      // Labels alternate between two lines so that close markers stay legible.
      marker(b, st.evalReturn().mean(), "static", "#444", "4,3", range, left, plotW, top, height, 0);
      marker(b, random.evalReturn().mean(), "random", "#444", "2,3", range, left, plotW, top, height, 1);
      marker(b, r.fixedReference().mean(), "best fixed", "#999", "", range, left, plotW, top, height, 0);
      marker(b, r.perSegmentReference().mean(), "best per segment", "#999", "", range, left, plotW, top, height, 1);
    }
    for (int i = 0; i < as.size(); i++) {
      BattleStudy.AgentResult a = as.get(i);
      Summary s = vsStatic ? a.evalVsStatic() : a.evalReturn();
      int y = top + rowH * i + rowH / 2;
      String c = COLOURS[i % COLOURS.length];
      b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='13' text-anchor='end'>%s</text>\n",
          left - 10, y + 4, esc(a.name())));
      if (s.n() >= 2) {
        b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' stroke-width='2'/>\n",
            xOf(s.ciLow(), range, left, plotW), y, xOf(s.ciHigh(), range, left, plotW), y, c));
      }
      b.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%d' r='5' fill='%s'><title>%s: %s</title></circle>\n",
          xOf(s.mean(), range, left, plotW), y, c, esc(a.name()), fmt(s.mean())));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static void marker(StringBuilder b, double v, String label, String colour, String dash, double[] range,
      int left, int plotW, int top, int height, int line) {
    double x = xOf(v, range, left, plotW);
    b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' stroke-width='1.5'%s/>"
        + "<text x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='%s'>%s</text>\n", x, top, x, height - 30,
        colour, dash.isEmpty() ? "" : " stroke-dasharray='" + dash + "'", x, top - 8 - 13 * line, colour, esc(label)));
  }

  private static String curves(BattleStudy.Result r, int episodes) {
    int w = 270;
    int h = 170;
    int window = Math.max(1, Math.min(50, episodes / 10));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<List<double[]>> seedCurves = new ArrayList<>();
    List<double[]> means = new ArrayList<>();
    for (BattleStudy.AgentResult a : r.agents()) {
      List<double[]> sm = smoothed(a.curves(), window);
      double[] m = mean(sm);
      seedCurves.add(sm);
      means.add(m);
      // The scale follows the mean curves and the evaluations; single seeds' curves (heavy-tailed
      // rewards) are clipped to it rather than flattening every panel.
      for (double v : m) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      lo = Math.min(lo, a.evalReturn().mean());
      hi = Math.max(hi, a.evalReturn().mean());
    }
    double padding = (hi - lo) * 0.1 + 1e-9;
    lo -= padding;
    hi += padding;
    StringBuilder b = new StringBuilder("<div class='grid'>\n");
    for (int k = 0; k < r.agents().size(); k++) {
      BattleStudy.AgentResult a = r.agents().get(k);
      double[] mean = means.get(k);
      String c = COLOURS[k % COLOURS.length];
      int n = mean.length;
      int pl = 34;
      int pt = 18;
      int pw = w - pl - 6;
      int ph = h - pt - 20;
      b.append(String.format(Locale.ROOT, "<svg class='curve' width='%d' height='%d' viewBox='0 0 %d %d'>"
          + "<rect x='%d' y='%d' width='%d' height='%d' fill='#fafafa' stroke='#ddd'/>"
          + "<text x='%d' y='13' font-size='12' font-weight='bold'>%s</text>\n", w, h, w, h, pl, pt, pw, ph, pl,
          esc(a.name())));
      for (double t : new double[] {lo, (lo + hi) / 2, hi}) {
        double y = pt + ph - (t - lo) / (hi - lo) * ph;
        b.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='10' text-anchor='end' fill='#777'>%s"
            + "</text>", pl - 3, y + 3, fmt(t)));
      }
      b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='10' text-anchor='end' fill='#777'>%d eps"
          + "</text>", pl + pw, h - 5, n));
      StringBuilder line = new StringBuilder();
      int stride = Math.max(1, n / 200);
      // Each seed's smoothed curve, faint; their mean, bold.
      for (double[] sc : seedCurves.get(k)) {
        StringBuilder seedLine = new StringBuilder();
        for (int i = 0; i < Math.min(n, sc.length); i += stride) {
          double x = pl + (double) i / Math.max(1, n - 1) * pw;
          double v = Math.max(lo, Math.min(hi, sc[i]));
          seedLine.append(String.format(Locale.ROOT, "%s%.1f,%.1f", seedLine.length() == 0 ? "" : " ", x,
              pt + ph - (v - lo) / (hi - lo) * ph));
        }
        b.append(String.format(Locale.ROOT, "<polyline points='%s' fill='none' stroke='%s' stroke-opacity='0.3'"
            + " stroke-width='1'/>", seedLine, c));
      }
      for (int i = 0; i < n; i += stride) {
        double x = pl + (double) i / Math.max(1, n - 1) * pw;
        line.append(String.format(Locale.ROOT, "%s%.1f,%.1f", line.length() == 0 ? "" : " ", x,
            pt + ph - (mean[i] - lo) / (hi - lo) * ph));
      }
      b.append(String.format(Locale.ROOT, "<polyline points='%s' fill='none' stroke='%s' stroke-width='2'/>", line,
          c));
      double ey = pt + ph - (a.evalReturn().mean() - lo) / (hi - lo) * ph;
      b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#222' "
          + "stroke-dasharray='5,3'><title>held-out greedy evaluation %s</title></line>", pl, ey, pl + pw, ey,
          fmt(a.evalReturn().mean())));
      b.append("</svg>\n");
    }
    b.append("</div>\n");
    return b.toString();
  }

  /** Each seed's moving-average curve. */
  static List<double[]> smoothed(List<double[]> curves, int window) {
    List<double[]> out = new ArrayList<>();
    for (double[] c : curves) {
      out.add(BattleReport.smooth(c, window));
    }
    return out;
  }

  /** Mean over seeds of the seeds' smoothed curves (as long as the shortest). */
  static double[] mean(List<double[]> smoothed) {
    int n = smoothed.stream().mapToInt(c -> c.length).min().orElse(0);
    double[] mean = new double[n];
    for (double[] c : smoothed) {
      for (int i = 0; i < n; i++) {
        mean[i] += c[i] / smoothed.size();
      }
    }
    return mean;
  }

  private static String table(BattleStudy.Result r) {
    StringBuilder t = new StringBuilder("<h2>Table</h2><table><tr><th>agent</th><th>held-out</th><th>95% CI</th>"
        + "<th>vs random</th><th>vs static</th><th>% of per-segment ref.</th><th>training</th><th>wall s</th>"
        + "</tr>\n");
    for (BattleStudy.AgentResult a : r.agents()) {
      t.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.2f</td><td>%s</td><td>%.2f</td><td>%.2f</td>"
          + "<td>%.1f%%</td><td>%.2f</td><td>%.1f</td></tr>%n", esc(a.name()), a.evalReturn().mean(),
          ci(a.evalReturn()), a.evalVsRandom().mean(), a.evalVsStatic().mean(), 100 * a.shareOfReference(),
          a.trainReturn().mean(), a.wallSeconds()));
    }
    t.append(String.format(Locale.ROOT, "<tr><td>best fixed vector</td><td>%.2f</td><td>%s</td><td></td><td></td>"
        + "<td></td><td></td><td></td></tr>%n", r.fixedReference().mean(), ci(r.fixedReference())));
    t.append(String.format(Locale.ROOT, "<tr><td>best per-segment vectors</td><td>%.2f</td><td>%s</td><td></td>"
        + "<td></td><td>100%%</td><td></td><td></td></tr>%n", r.perSegmentReference().mean(),
        ci(r.perSegmentReference())));
    return t.append("</table>\n").toString();
  }

  private static String ci(Summary s) {
    return s.n() >= 2 ? String.format(Locale.ROOT, "[%.2f, %.2f]", s.ciLow(), s.ciHigh()) : "-";
  }

  private static BattleStudy.AgentResult find(List<BattleStudy.AgentResult> as, String name) {
    return as.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }

  private static double xOf(double v, double[] range, int left, int plotW) {
    return left + (v - range[0]) / (range[1] - range[0]) * plotW;
  }

  private static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
