package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.api.LabAgents;
import io.rlsearch.experiments.labs.Lab;
import io.rlsearch.experiments.labs.LabReport;
import io.rlsearch.experiments.labs.Labs;
import io.rlsearch.sim.SimSettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lab NAME}: one of the book's labs, its figures beside the book's. */
@Command(name = "lab", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/book.md",
    description = {"Runs one of the book's labs with its protocol and seeds and prints each figure beside the"
        + " book's recorded one, with `match` or the reason it differs. `lab --list` lists them (name, chapter,"
        + " what it shows); docs/book.md has the whole table."})
final class LabCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "The lab (see --list).")
  String name;

  @Option(names = "--list", description = "List the labs.")
  boolean list;

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--json", description = "Print one JSON object: {lab, chapter, figures, book, match, sources, notes} (with --list: {labs}).")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      if (name != null) {
        throw new Main.UsageException("give either a lab name or --list, not both");
      }
      return list(out);
    }
    if (name == null) {
      throw new Main.UsageException("a lab name is required; one of: " + names() + " (or --list)");
    }
    Lab lab = Labs.find(name).orElseThrow(() -> new Main.UsageException(
        "unknown lab '" + name + "'; one of: " + names()));
    LabReport r;
    if (lab.needsLearners()) {
      try (io.rlsearch.learn.SharedLearner learner = deviceOption.learner()) {
        r = lab.run(SimSettings.defaults(), new LabAgents(learner));
      }
    } else {
      r = lab.run(SimSettings.defaults());
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lab", r.lab());
      m.put("chapter", lab.chapter());
      m.put("figures", r.figures());
      m.put("book", r.book());
      m.put("match", r.match());
      m.put("sources", r.sources());
      m.put("notes", r.notes());
      out.println(Json.write(m));
    } else {
      out.println(lab.name() + " (chapter " + lab.chapter() + "): " + lab.shows());
      for (String k : r.figures().keySet()) {
        Object b = r.book().get(k);
        out.println("  " + k + ": " + render(r.figures().get(k))
            + (r.book().containsKey(k) ? "  book: " + render(b) + "  -> " + r.match().get(k) : ""));
      }
      for (String n : r.notes()) {
        out.println("  note: " + n);
      }
    }
    return 0;
  }

  private int list(PrintWriter out) {
    if (json) {
      List<Map<String, String>> labs = Labs.all().stream().map(l -> {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("chapter", l.chapter());
        m.put("shows", l.shows());
        return m;
      }).collect(Collectors.toList());
      out.println(Json.write(Map.of("labs", labs)));
    } else {
      int w = Labs.all().stream().mapToInt(l -> l.name().length()).max().orElse(4);
      int c = Labs.all().stream().mapToInt(l -> l.chapter().length()).max().orElse(7);
      for (Lab l : Labs.all()) {
        out.printf("%-" + w + "s  %-" + c + "s  %s%n", l.name(), l.chapter(), l.shows());
      }
    }
    return 0;
  }

  private static String names() {
    return Labs.all().stream().map(Lab::name).collect(Collectors.joining(", "));
  }

  private static String render(Object v) {
    if (v instanceof Double d) {
      return String.format(java.util.Locale.ROOT, "%.4f", d);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(LabCommand::render).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> e.getKey() + "=" + render(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return String.valueOf(v);
  }
}
