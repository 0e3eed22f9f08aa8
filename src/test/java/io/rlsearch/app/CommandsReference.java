package io.rlsearch.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The option tables of docs/commands.md, rendered from the commands' picocli model: one section per
 * command path, one row per option (its names, parameter label, default and description). The page
 * holds this text between two marker lines; {@code CommandsDocsTest} compares it, and with
 * {@code -Drlsearch.docs.write=true} rewrites it.
 */
final class CommandsReference {
  static final String BEGIN = "<!-- generated from the picocli model by CommandsDocsTest: do not edit by hand -->";
  static final String END = "<!-- end of generated options -->";

  private CommandsReference() {}

  /** The generated block, markers excluded. */
  static String render() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, CommandLine> e : CommandsDocsTest.commands().entrySet()) {
      CommandLine.Model.CommandSpec spec = e.getValue().getCommandSpec();
      sb.append("\n### `").append(e.getKey()).append("`\n\n");
      String[] desc = spec.usageMessage().description();
      if (desc.length > 0) {
        sb.append(cell(String.join(" ", desc)).replace("\\|", "|")).append("\n\n");
      }
      List<String> rows = new ArrayList<>();
      for (PositionalParamSpec p : spec.positionalParameters()) {
        rows.add("| `" + p.paramLabel() + "` (argument) | " + def(p.defaultValue()) + " | "
            + cell(String.join(" ", p.description())) + " |");
      }
      for (OptionSpec o : spec.options()) {
        if (o.usageHelp() || o.versionHelp() || o.inherited() || o.hidden()) {
          continue;
        }
        String label = o.typeInfo().isBoolean() ? "" : " " + cell(o.paramLabel());
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
          names.add(o.negatable() ? n.replaceFirst("^--", "--[no-]") : n);
        }
        rows.add("| `" + String.join("`, `", names) + "`" + label + " | " + def(o.defaultValue()) + " | "
            + cell(String.join(" ", o.description())) + " |");
      }
      if (rows.isEmpty()) {
        sb.append("No options but `--help` and `--verbose`.\n");
      } else {
        sb.append("| option | default | description |\n| --- | --- | --- |\n");
        rows.forEach(r -> sb.append(r).append('\n'));
      }
    }
    return sb.toString();
  }

  private static String def(String v) {
    return v == null || v.isEmpty() ? "" : "`" + v.replace("|", "\\|") + "`";
  }

  /** Text fit for a table cell: one line, pipes escaped. */
  private static String cell(String s) {
    return s.replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ").replace("|", "\\|").strip();
  }
}
