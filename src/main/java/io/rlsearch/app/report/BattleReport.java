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
    int window = Math.max(1, Math.min(50, episodes / 10));
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
      }
    }
    // The live page's chart library (uPlot, from its WebJar), inlined: the report opens without a network.
    int n0 = mean.length == 0 ? 0 : mean[0].length;
    int stride = Math.max(1, (n0 + 999) / 1000);
    StringBuilder data = new StringBuilder("[[");
    for (int i = 0; i < n0; i += stride) {
      data.append(i == 0 ? "" : ",").append(i + 1);
    }
    data.append("]");
    StringBuilder series = new StringBuilder("[{label:'episode'}");
    StringBuilder bands = new StringBuilder("[");
    for (int k = 0; k < agents.size(); k++) {
      String c = COLOURS[k % COLOURS.length];
      for (int part = 0; part < 3; part++) {
        data.append(",[");
        for (int i = 0; i < n0; i += stride) {
          double v = part == 0 ? mean[k][i] : part == 1 ? mean[k][i] - half[k][i] : mean[k][i] + half[k][i];
          data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", v));
        }
        data.append("]");
      }
      String name = escape(agents.get(k).name()).replace("\\", "").replace("'", "");
      series.append(String.format(Locale.ROOT, ",{label:'%s',stroke:'%s',width:2,points:{show:false}}"
          + ",{label:'%s low',stroke:'%s',width:1,dash:[4,4],points:{show:false}}"
          + ",{label:'%s high',stroke:'%s',width:1,dash:[4,4],points:{show:false}}", name, c, name, c, name, c));
      bands.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "{series:[%d,%d],fill:'%s22'}", 3 * k + 3,
          3 * k + 2, c));
    }
    data.append("]");
    series.append("]");
    bands.append("]");
    String chartHtml = "<div id='chart'></div>\n<noscript>The chart needs JavaScript (inline; no network).</noscript>\n"
        + "<script>" + resource("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js") + "</script>\n"
        + "<script>new uPlot({width:" + w + ",height:" + h + ",scales:{x:{time:false}},axes:[{label:'episode (return"
        + " smoothed over " + window + ")'},{size:70}],series:" + series + ",bands:" + bands + "}," + data
        + ",document.getElementById('chart'));</script>\n";
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
        + resource("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css")
        + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n<p>" + episodes + " episodes per agent and seed; seeds "
        + seeds + ". Curves: mean over seeds of the moving-average return, shaded 95% band.</p>\n" + chartHtml + table
        + "</body></html>\n";
  }

  private static String resource(String name) {
    try (java.io.InputStream in = BattleReport.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " (the uPlot WebJar)");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
