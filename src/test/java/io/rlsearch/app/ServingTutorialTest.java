package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.api.serving.Serving;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/serving.md as a script: every curl in its shell blocks is sent, in order, to a server started
 * as its {@code ./rlsearch serve} line starts one, and each answer is held to the answer printed after
 * it: the status (200, or the {@code # NNN} at the end of the curl line), every field it shows, and
 * every value it shows but for the few that change from run to run.
 */
class ServingTutorialTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PAGE = Path.of("docs/serving.md");
  private static final String HOST = "127.0.0.1:8080";

  /** Fields whose values change from run to run: the test checks they are there, not what they hold. */
  private static final Set<String> VOLATILE = Set.of("decision_id", "at_ms", "swap_visible_ms", "epoch");

  /** A fenced block: its language and text. */
  record Block(String lang, String text, int line) {}

  /** A command of a shell block, its words, and the status its comment expects (200 without one). */
  record Command(List<String> words, int status, String pipeGrep, int line) {}

  static List<Block> blocks(List<String> lines) {
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```")) {
        String lang = lines.get(i).substring(3).strip();
        StringBuilder text = new StringBuilder();
        int start = i + 1;
        for (i = i + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        out.add(new Block(lang, text.toString(), start));
      }
    }
    return out;
  }

  /**
   * The commands of a shell block: words split as the shell splits them (single and double quotes,
   * which may span lines, backslash-newline continuations), a {@code # comment} ends a command's line,
   * a pipe into {@code grep WORD} is kept as a filter.
   */
  static List<Command> commands(String text, int firstLine) {
    List<Command> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    String comment = "";
    String grep = null;
    int line = firstLine;
    int start = firstLine;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        assertTrue(end > 0, "line " + line + ": an unclosed quote");
        String quoted = text.substring(i + 1, end);
        line += (int) quoted.chars().filter(ch -> ch == '\n').count();
        word = (word == null ? new StringBuilder() : word).append(quoted);
        i = end;
      } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i++;
        line++;
      } else if (c == '#' && word == null) {
        int end = text.indexOf('\n', i);
        comment = text.substring(i + 1, end).strip();
        i = end - 1;
      } else if (c == ' ' || c == '\t' || c == '\n') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        if (c == '\n') {
          line++;
          if (!words.isEmpty()) {
            int bar = words.indexOf("|");
            if (bar >= 0) {
              assertEquals(List.of("grep"), words.subList(bar + 1, Math.min(words.size(), bar + 2)),
                  "line " + start + ": only a pipe into grep WORD is understood");
              assertEquals(bar + 3, words.size(), "line " + start + ": grep takes one word here");
              grep = words.get(bar + 2);
              words = new ArrayList<>(words.subList(0, bar));
            }
            Matcher m = Pattern.compile("^(\\d{3})\\b").matcher(comment);
            out.add(new Command(words, m.find() ? Integer.parseInt(m.group(1)) : 200, grep, start));
          }
          words = new ArrayList<>();
          comment = "";
          grep = null;
          start = line;
        }
      } else {
        word = (word == null ? new StringBuilder() : word).append(c);
      }
    }
    return out;
  }

  /** A curl call as curl would make it. */
  record Call(String method, String url, Map<String, String> headers, String body) {}

  static Call curl(Command c) {
    List<String> w = c.words();
    String method = null;
    String url = null;
    String body = null;
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < w.size(); i++) {
      String a = w.get(i);
      switch (a) {
        case "-s", "-S", "-sS" -> { }
        case "-X", "--request" -> method = w.get(++i);
        case "-H", "--header" -> {
          String h = w.get(++i);
          headers.put(h.substring(0, h.indexOf(':')).strip(), h.substring(h.indexOf(':') + 1).strip());
        }
        case "-d", "--data", "--data-raw" -> body = w.get(++i);
        default -> {
          assertFalse(a.startsWith("-"), "line " + c.line() + ": the test does not know curl's " + a);
          assertTrue(url == null, "line " + c.line() + ": two URLs");
          url = a;
        }
      }
    }
    assertTrue(url != null, "line " + c.line() + ": no URL");
    if (body != null) {
      // curl's default for -d, which the server refuses: the tutorial must name JSON.
      headers.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
    }
    return new Call(method != null ? method : body != null ? "POST" : "GET", url, headers, body);
  }

  /** Replaces every documented decision id by the one the server returned. */
  private static String substitute(String s, Map<String, String> ids) {
    for (Map.Entry<String, String> e : ids.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }

  /** What of {@code shown} the answer {@code got} does not hold, at {@code where}. */
  private static void compare(JsonNode shown, JsonNode got, String where, List<String> problems) {
    if (got == null || got.isMissingNode()) {
      problems.add(where + ": missing");
      return;
    }
    if (shown.isObject()) {
      if (!got.isObject()) {
        problems.add(where + ": expected an object, got " + got);
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = shown.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        if (VOLATILE.contains(f.getKey())) {
          if (!got.has(f.getKey())) {
            problems.add(where + "." + f.getKey() + ": missing");
          }
        } else {
          compare(f.getValue(), got.get(f.getKey()), where + "." + f.getKey(), problems);
        }
      }
    } else if (shown.isArray()) {
      if (!got.isArray() || got.size() < shown.size()) {
        problems.add(where + ": expected an array of at least " + shown.size() + ", got " + got);
        return;
      }
      for (int i = 0; i < shown.size(); i++) {
        compare(shown.get(i), got.get(i), where + "[" + i + "]", problems);
      }
    } else if (shown.isNumber() && got.isNumber()) {
      // Printed numbers are rounded: to the digits shown.
      String text = shown.asText();
      int decimals = text.contains(".") ? text.length() - text.indexOf('.') - 1 : 0;
      if (Math.abs(shown.doubleValue() - got.doubleValue()) > 0.5 * Math.pow(10, -decimals) + 1e-12) {
        problems.add(where + ": shown " + shown + ", got " + got);
      }
    } else if (!shown.equals(got)) {
      problems.add(where + ": shown " + shown + ", got " + got);
    }
  }

  @Test
  void everyCurlOfTheTutorialAnswersAsPrinted() throws Exception {
    List<Block> blocks = blocks(Files.readAllLines(PAGE));
    // The server the tutorial starts: `./rlsearch serve --rate 0` (its defaults: seed 2025, live
    // cm2_price, 2 shards), on a free port.
    List<String> serveLine = null;
    for (Block b : blocks) {
      if (b.lang().equals("sh")) {
        for (Command c : commands(b.text(), b.line())) {
          if (c.words().get(0).equals("./rlsearch") && c.words().get(1).equals("serve")) {
            serveLine = c.words().subList(1, c.words().size());
          }
        }
      }
    }
    assertEquals(List.of("serve", "--rate", "0"), serveLine, "the tutorial starts the server without traffic");
    String[] serveArgs = serveLine.toArray(String[]::new);
    Main.commandLine(serveArgs).parseArgs(serveArgs);
    SimSettings sim = ZoosimConfig.load(Optional.empty());
    World world = World.generate(sim.withSeed(2025), new NumpyRandom(2025));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, String> ids = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Set<Integer> statuses = new HashSet<>();
    int calls = 0;
    try (Serving.Running run = Serving.start(world, "cm2_price", List.of(), 2, Optional.empty(), 2025, "127.0.0.1", 0,
        Optional.empty(), 0)) {
      HttpResponse<String> last = null;
      HttpRequest lastRequest = null;
      Command lastCurl = null;
      for (Block b : blocks) {
        if (b.lang().equals("sh")) {
          for (Command c : commands(b.text(), b.line())) {
            if (!c.words().get(0).equals("curl")) {
              continue;
            }
            Call call = curl(c);
            assertTrue(call.url().startsWith("http://" + HOST + "/"), "line " + c.line() + ": " + call.url());
            String url = call.url().replace(HOST, "127.0.0.1:" + run.port());
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(substitute(call.body(), ids)));
            call.headers().forEach(req::header);
            lastRequest = req.build();
            last = http.send(lastRequest, HttpResponse.BodyHandlers.ofString());
            lastCurl = c;
            calls++;
            statuses.add(last.statusCode());
            if (last.statusCode() != c.status()) {
              problems.add("line " + c.line() + ": " + call.method() + " " + url + " answered " + last.statusCode()
                  + ", the tutorial says " + c.status() + ": " + last.body());
            }
          }
        } else if ((b.lang().equals("json") || b.lang().equals("text")) && last != null) {
          String where = "line " + lastCurl.line() + " (the answer at line " + b.line() + ")";
          String body = last.body();
          if (lastCurl.pipeGrep() != null) {
            String word = lastCurl.pipeGrep();
            body = String.join("\n", body.lines().filter(l -> l.contains(word)).toList());
          }
          if (b.lang().equals("json")) {
            JsonNode shown = JSON.readTree(b.text());
            JsonNode got;
            try {
              got = JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
              problems.add(where + ": the answer is not JSON: " + body);
              continue;
            }
            if (shown.has("decision_id") && got.has("decision_id")) {
              ids.put(shown.get("decision_id").asText(), got.get("decision_id").asText());
            }
            List<String> diffs = new ArrayList<>();
            compare(JSON.readTree(substitute(b.text(), ids)), got, "", diffs);
            // A read (GET) shows figures the shards report within REPORT_AFTER of an answer: a reader
            // at a keyboard sees them; the test asks again for up to 10 s before it calls a difference.
            long until = System.nanoTime() + 10_000_000_000L;
            while (!diffs.isEmpty() && lastRequest.method().equals("GET") && System.nanoTime() < until) {
              Thread.sleep(100);
              got = JSON.readTree(http.send(lastRequest, HttpResponse.BodyHandlers.ofString()).body());
              diffs.clear();
              compare(JSON.readTree(substitute(b.text(), ids)), got, "", diffs);
            }
            if (!diffs.isEmpty()) {
              problems.add(where + ": " + diffs + "\n  the answer: " + got);
            }
            if (got.has("ranking") && lastCurl != null) {
              checkRanking(got, lastCurl, ids, where, problems);
            }
          } else {
            // Text (metrics): each shown line is a line of the answer.
            List<String> got = body.lines().toList();
            for (String l : b.text().strip().lines().toList()) {
              if (!got.contains(l)) {
                problems.add(where + ": no line '" + l + "' in\n" + body);
              }
            }
          }
          last = null;
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertTrue(calls >= 10, "the tutorial's curl calls: " + calls);
    assertTrue(statuses.containsAll(List.of(200, 404, 409)), "it shows feedback's 200, 404 and 409: " + statuses);
  }

  /** A ranking is a permutation of distinct candidate ids of the request, at most k. */
  private static void checkRanking(JsonNode answer, Command curl, Map<String, String> ids, String where,
      List<String> problems) throws Exception {
    JsonNode request = JSON.readTree(substitute(curl(curl).body(), ids));
    Set<String> candidates = new HashSet<>();
    request.get("candidates").forEach(c -> candidates.add(c.get("id").asText()));
    int k = request.has("k") ? request.get("k").asInt() : candidates.size();
    Set<String> seen = new HashSet<>();
    for (JsonNode id : answer.get("ranking")) {
      if (!candidates.contains(id.asText()) || !seen.add(id.asText())) {
        problems.add(where + ": the ranking " + answer.get("ranking") + " is not of distinct candidates");
      }
    }
    if (seen.size() != Math.min(k, candidates.size()) || answer.get("scores").size() != seen.size()) {
      problems.add(where + ": expected " + Math.min(k, candidates.size()) + " ids and scores, got " + answer);
    }
  }

  @Test
  void theScriptReaderUnderstandsWhatTheTutorialWrites() {
    List<Command> cs = commands("curl -s -X POST http://127.0.0.1:8080/v1/feedback \\\n"
        + "  -H 'Content-Type: application/json' -d '{\"a\":\n 1}'   # 409: twice\n"
        + "curl -s http://127.0.0.1:8080/metrics | grep rlsearch_requests\n", 1);
    assertEquals(2, cs.size());
    assertEquals(409, cs.get(0).status());
    Call c = curl(cs.get(0));
    assertEquals("POST", c.method());
    assertEquals("{\"a\":\n 1}", c.body());
    assertEquals(Map.of("Content-Type", "application/json"), c.headers());
    assertEquals(200, cs.get(1).status());
    assertEquals("rlsearch_requests", cs.get(1).pipeGrep());
    assertEquals("GET", curl(cs.get(1)).method());
    assertEquals(4, cs.get(1).line());
    try {
      curl(commands("curl -k http://127.0.0.1:8080/health\n", 1).get(0));
      fail("an unknown curl option is refused");
    } catch (AssertionError expected) {
      assertTrue(expected.getMessage().contains("-k"), expected.getMessage());
    }
  }
}
