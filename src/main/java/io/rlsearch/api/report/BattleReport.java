package io.rlsearch.api.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The Battle Royale's files: a CSV of the table, a CSV of every learning curve, and a self-contained
 * HTML report ({@link BattlePage}: inline SVG, no script, no network).
 */
public final class BattleReport {
  private BattleReport() {}

  /**
   * Writes the report of a battle study into {@code dir}: {@code results.csv}, {@code curves.csv} and a
   * self-contained {@code report.html} (inline SVG, no script, nothing fetched) that a person reads at
   * a glance: a forest plot of each agent's held-out evaluation with its interval over seeds and the
   * baselines and references marked, the paired differences to static, and the learning curves as
   * small multiples on one scale.
   */
  public static void write(Path dir, io.rlsearch.experiments.BattleStudy.Result r, int episodes, String title)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("agent,eval_return,eval_ci_low,eval_ci_high,eval_vs_static,"
        + "eval_vs_static_ci_low,eval_vs_static_ci_high,share_of_reference,mean_return,final_50,gmv,cm2,wall_s\n");
    for (io.rlsearch.experiments.BattleStudy.AgentResult a : r.agents()) {
      csv.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f%n",
          a.name(), a.evalReturn().mean(), a.evalReturn().ciLow(), a.evalReturn().ciHigh(), a.evalVsStatic().mean(),
          a.evalVsStatic().ciLow(), a.evalVsStatic().ciHigh(), a.shareOfReference(), a.trainReturn().mean(),
          a.final50(), a.gmv(), a.cm2(), a.wallSeconds()));
    }
    atomic(dir.resolve("results.csv"), csv.toString());
    StringBuilder curves = new StringBuilder("agent,seed,episode,return\n");
    for (io.rlsearch.experiments.BattleStudy.AgentResult a : r.agents()) {
      for (int s = 0; s < a.curves().size(); s++) {
        double[] c = a.curves().get(s);
        for (int e = 0; e < c.length; e++) {
          curves.append(a.name()).append(',').append(r.seeds().get(s)).append(',').append(e).append(',')
              .append(String.format(Locale.ROOT, "%.6f", c[e])).append('\n');
        }
      }
    }
    atomic(dir.resolve("curves.csv"), curves.toString());
    atomic(dir.resolve("report.html"), BattlePage.html(r, episodes, title));
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

}
