package io.rlsearch.app.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The Battle Royale's files: a CSV of the table, a CSV of every learning curve, and a self-contained
 * HTML report (inline SVG, no script, no network) with one smoothed learning curve per agent and a
 * shaded 95% band.
 */
public final class BattleReport {
  /**
   * One agent's row and curves.
   *
   * @param name agent name
   * @param meanReturn mean return
   * @param ciLow lower end of its 95% CI
   * @param ciHigh upper end
   * @param final50 mean of the last 50 episodes
   * @param gmv mean GMV
   * @param cm2 mean CM2
   * @param wallSeconds wall time
   * @param returns per seed, the return of every episode in order
   */
  public record Agent(String name, double meanReturn, double ciLow, double ciHigh, double final50, double gmv, double cm2,
      double wallSeconds, List<double[]> returns) {}

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
      "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79"};

  private BattleReport() {}

  /** Writes {@code results.csv}, {@code curves.csv} and {@code report.html} into {@code dir}. */
  public static void write(Path dir, List<Agent> agents, List<Long> seeds, int episodes, String title) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("agent,mean_return,ci_low,ci_high,final_50,gmv,cm2,wall_s\n");
    for (Agent a : agents) {
      csv.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f%n", a.name(), a.meanReturn(),
          a.ciLow(), a.ciHigh(), a.final50(), a.gmv(), a.cm2(), a.wallSeconds()));
    }
    atomic(dir.resolve("results.csv"), csv.toString());
    StringBuilder curves = new StringBuilder("agent,seed,episode,return\n");
    for (Agent a : agents) {
      for (int s = 0; s < a.returns().size(); s++) {
        double[] r = a.returns().get(s);
        for (int e = 0; e < r.length; e++) {
          curves.append(a.name()).append(',').append(seeds.get(s)).append(',').append(e).append(',')
              .append(String.format(Locale.ROOT, "%.6f", r[e])).append('\n');
        }
      }
    }
    atomic(dir.resolve("curves.csv"), curves.toString());
    atomic(dir.resolve("report.html"), html(agents, seeds, episodes, title));
  }

  static void atomic(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Moving average with window {@code w} (shorter at the start). */
  static double[] smooth(double[] r, int w) {
    double[] out = new double[r.length];
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      s += r[i];
      if (i >= w) {
        s -= r[i - w];
      }
      out[i] = s / Math.min(i + 1, w);
    }
    return out;
  }

  private static String html(List<Agent> agents, List<Long> seeds, int episodes, String title) {
    int w = 900;
    int h = 420;
    int left = 60;
    int right = 170;
    int top = 20;
    int bottom = 40;
    int window = Math.max(1, Math.min(50, episodes / 10));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double[][] mean = new double[agents.size()][];
    double[][] half = new double[agents.size()][];
    for (int k = 0; k < agents.size(); k++) {
      List<double[]> rs = agents.get(k).returns();
      int n = rs.get(0).length;
      double[][] sm = new double[rs.size()][];
      for (int s = 0; s < rs.size(); s++) {
        sm[s] = smooth(rs.get(s), window);
      }
      mean[k] = new double[n];
      half[k] = new double[n];
      for (int i = 0; i < n; i++) {
        double m = 0;
        for (double[] x : sm) {
          m += x[i] / sm.length;
        }
        double v = 0;
        if (sm.length > 1) {
          for (double[] x : sm) {
            v += (x[i] - m) * (x[i] - m) / (sm.length - 1);
          }
          half[k][i] = 1.96 * Math.sqrt(v / sm.length);
        } else {
          // One seed: the band is the moving window's own standard error.
          double[] r = rs.get(0);
          int from = Math.max(0, i - window + 1);
          int len = i - from + 1;
          for (int j = from; j <= i; j++) {
            v += (r[j] - m) * (r[j] - m);
          }
          half[k][i] = len > 1 ? 1.96 * Math.sqrt(v / (len - 1) / len) : 0;
        }
        mean[k][i] = m;
        lo = Math.min(lo, m - half[k][i]);
        hi = Math.max(hi, m + half[k][i]);
      }
    }
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
        + "font-family='sans-serif' font-size='12'>%n", w, h));
    int pw = w - left - right;
    int ph = h - top - bottom;
    svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
        left, top, pw, ph));
    for (int t = 0; t <= 4; t++) {
      double v = lo + (hi - lo) * t / 4;
      double y = top + ph - ph * (v - lo) / (hi - lo);
      svg.append(String.format(Locale.ROOT, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>"
          + "<text x='%d' y='%.1f' text-anchor='end'>%.2f</text>%n", left, left + pw, y, y, left - 4, y + 4, v));
    }
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>episode (return smoothed over %d)"
        + "</text>%n", left + pw / 2, h - 8, window));
    for (int k = 0; k < agents.size(); k++) {
      String c = COLOURS[k % COLOURS.length];
      int n = mean[k].length;
      StringBuilder band = new StringBuilder();
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < n; i++) {
        double x = left + pw * (n == 1 ? 0 : (double) i / (n - 1));
        band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph - ph * (mean[k][i] + half[k][i] - lo) / (hi - lo)));
        line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph - ph * (mean[k][i] - lo) / (hi - lo)));
      }
      for (int i = n - 1; i >= 0; i--) {
        double x = left + pw * (n == 1 ? 0 : (double) i / (n - 1));
        band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph - ph * (mean[k][i] - half[k][i] - lo) / (hi - lo)));
      }
      svg.append("<polygon points='").append(band).append("' fill='").append(c).append("' fill-opacity='0.15' stroke='none'/>\n");
      svg.append("<polyline points='").append(line).append("' fill='none' stroke='").append(c).append("' stroke-width='1.5'/>\n");
      svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/><text x='%d' y='%d'>%s"
          + "</text>%n", left + pw + 12, top + 10 + 18 * k, c, left + pw + 30, top + 21 + 18 * k, escape(agents.get(k).name())));
    }
    svg.append("</svg>\n");
    StringBuilder table = new StringBuilder("<table><tr><th>agent</th><th>mean return</th><th>95% CI</th>"
        + "<th>final 50</th><th>GMV</th><th>CM2</th><th>wall s</th></tr>\n");
    for (Agent a : agents) {
      table.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>[%.3f, %.3f]</td><td>%.3f</td>"
          + "<td>%.3f</td><td>%.3f</td><td>%.1f</td></tr>%n", escape(a.name()), a.meanReturn(), a.ciLow(), a.ciHigh(),
          a.final50(), a.gmv(), a.cm2(), a.wallSeconds()));
    }
    table.append("</table>\n");
    return "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" + escape(title) + "</title>\n"
        + "<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-top:16px}"
        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
        + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n<p>" + episodes + " episodes per agent and seed; seeds "
        + seeds + ". Curves: mean over seeds of the moving-average return, shaded 95% band.</p>\n" + svg + table
        + "</body></html>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
