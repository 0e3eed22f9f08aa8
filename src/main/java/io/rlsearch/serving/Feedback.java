package io.rlsearch.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What the user did after a decision, as the search service reports it: the clicked candidates, the
 * purchases (price and, optionally, margin and whether the product is strategic), or an explicit
 * reward.
 *
 * @param decisionId the decision it is for
 * @param clicks clicked candidate ids
 * @param purchases the purchases
 * @param reward an explicit reward, which replaces the schema's reward of the purchases
 */
public record Feedback(String decisionId, List<String> clicks, List<Purchase> purchases, OptionalDouble reward) {
  /** Most clicks or purchases in one feedback. */
  public static final int MAX_EVENTS = 10_000;

  public Feedback {
    Objects.requireNonNull(decisionId, "decisionId");
    clicks = List.copyOf(clicks);
    purchases = List.copyOf(purchases);
    Objects.requireNonNull(reward, "reward");
  }

  /**
   * A purchase.
   *
   * @param id the candidate id
   * @param price its price (GMV)
   * @param margin its margin (CM2; 0 when not given)
   * @param strategic whether it is a strategic product
   */
  public record Purchase(String id, double price, double margin, boolean strategic) {
    public Purchase {
      Objects.requireNonNull(id, "id");
    }
  }

  /** The schema's reward of this feedback, or its explicit reward. */
  public double reward(ServingSchema.Reward r) {
    if (reward.isPresent()) {
      return reward.getAsDouble();
    }
    return r.of(gmv(), cm2(), (int) purchases.stream().filter(Purchase::strategic).count(), clicks.size());
  }

  /** The purchases' total price. */
  public double gmv() {
    return purchases.stream().mapToDouble(Purchase::price).sum();
  }

  /** The purchases' total margin. */
  public double cm2() {
    return purchases.stream().mapToDouble(Purchase::margin).sum();
  }

  /**
   * Parses a feedback body: {@code decision_id} (required), {@code clicks} (array of ids),
   * {@code purchases} (array of {@code {"id", "price", "margin"?, "strategic"?}}), {@code reward}
   * (a finite number).
   *
   * @throws BadInput a 400 naming the field and what is accepted
   */
  public static Feedback parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw BadInput.of("the body must be a JSON object with 'decision_id' and clicks, purchases or reward");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!Set.of("decision_id", "clicks", "purchases", "reward").contains(f)) {
        throw BadInput.of("'" + f + "' is not a field of a feedback; accepted: decision_id, clicks, purchases,"
            + " reward");
      }
    }
    JsonNode id = body.get("decision_id");
    if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > RankRequest.MAX_KEY) {
      throw BadInput.of("'decision_id' must be the string /v1/rank returned");
    }
    List<String> clicks = new ArrayList<>();
    JsonNode c = body.get("clicks");
    if (c != null && !c.isNull()) {
      if (!c.isArray() || c.size() > MAX_EVENTS) {
        throw BadInput.of("'clicks' must be an array of at most " + MAX_EVENTS + " candidate ids");
      }
      for (int i = 0; i < c.size(); i++) {
        if (!(c.get(i).isTextual() || c.get(i).isIntegralNumber())) {
          throw BadInput.of("'clicks[" + i + "]' must be a candidate id (a string)");
        }
        clicks.add(c.get(i).asText());
      }
    }
    List<Purchase> purchases = new ArrayList<>();
    JsonNode p = body.get("purchases");
    if (p != null && !p.isNull()) {
      if (!p.isArray() || p.size() > MAX_EVENTS) {
        throw BadInput.of("'purchases' must be an array of at most " + MAX_EVENTS + " {\"id\", \"price\","
            + " \"margin\"} objects");
      }
      for (int i = 0; i < p.size(); i++) {
        JsonNode e = p.get(i);
        String where = "purchases[" + i + "]";
        if (!e.isObject()) {
          throw BadInput.of("'" + where + "' must be an object {\"id\", \"price\", \"margin\"?, \"strategic\"?}");
        }
        for (Iterator<String> it = e.fieldNames(); it.hasNext();) {
          String f = it.next();
          if (!Set.of("id", "price", "margin", "strategic").contains(f)) {
            throw BadInput.of("'" + where + "." + f + "' is not a field of a purchase; accepted: id, price, margin,"
                + " strategic");
          }
        }
        JsonNode pid = e.get("id");
        if (pid == null || !(pid.isTextual() || pid.isIntegralNumber())) {
          throw BadInput.of("'" + where + ".id' must be a candidate id (a string)");
        }
        double price = finite(e.get("price"), where + ".price", true);
        double margin = finite(e.get("margin"), where + ".margin", false);
        JsonNode s = e.get("strategic");
        if (s != null && !s.isNull() && !s.isBoolean()) {
          throw BadInput.of("'" + where + ".strategic' must be true or false");
        }
        purchases.add(new Purchase(pid.asText(), price, margin, s != null && s.asBoolean()));
      }
    }
    JsonNode r = body.get("reward");
    OptionalDouble reward = OptionalDouble.empty();
    if (r != null && !r.isNull()) {
      reward = OptionalDouble.of(finite(r, "reward", true));
    }
    return new Feedback(id.asText(), clicks, purchases, reward);
  }

  private static double finite(JsonNode v, String where, boolean required) {
    if (v == null || v.isNull()) {
      if (required) {
        throw BadInput.of("'" + where + "' is missing: a finite number is needed");
      }
      return 0;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw BadInput.of("'" + where + "' must be a finite number, got " + v);
    }
    return v.doubleValue();
  }
}
