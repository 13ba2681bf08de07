package dev.imagine.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A generation's parameters, or a user's or chat's saved defaults, as stored: names to plain values (strings, numbers
 * and booleans), kept as one JSON object. Storage does not interpret them: the bot maps them to and from the engine's
 * request by name, so a new parameter needs no column and no change here. Values may be missing ("the model's
 * default" while queued, "no preference" in settings); once a generation is done they hold every value the engine
 * used, so a rerun needs nothing else.
 *
 * @param values names to strings, numbers or booleans, in the order given; copied, with whole numbers as
 *     {@code Long} and others as {@code Double}, so values read back equal those written
 */
public record GenerationParameters(Map<String, Object> values) {
    /** No values. */
    public static final GenerationParameters NONE = new GenerationParameters(Map.of());
    /** Longest JSON text stored for one set of parameters, in characters. */
    public static final int MAX_JSON_CHARS = 100_000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    /** Validates and copies the values. */
    public GenerationParameters {
        Checks.required("the parameters", values);
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            Checks.id("a parameter name", name, 64);
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException("parameter " + name + " must be a text, a number or a boolean, got "
                        + (value == null ? "nothing" : "another kind of value"));
            }
            copy.put(name, value instanceof Number n ? normalised(name, n) : value);
        });
        values = Collections.unmodifiableMap(copy);
    }

    private static Object normalised(String name, Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        if (n instanceof java.math.BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        double d = n.doubleValue();
        if (n instanceof java.math.BigInteger || !Double.isFinite(d)) {
            throw new IllegalArgumentException("parameter " + name + " must be a finite number, got " + n);
        }
        return n instanceof Float f ? Double.valueOf(f.toString()) : d;
    }

    /** Parameters from alternating names and values, for tests and small callers. */
    public static GenerationParameters of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new GenerationParameters(values);
    }

    /** The value of {@code name}, or {@code null}. */
    public Object get(String name) {
        return values.get(name);
    }

    /** Whether no value is set. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The JSON text stored. */
    String toJson() {
        String json;
        try {
            json = JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain values always serialise", e);
        }
        Checks.text("the parameters' JSON text", json, MAX_JSON_CHARS);
        return json;
    }

    /** Parameters from stored JSON text; {@code null} or empty text is {@link #NONE}. */
    @SuppressWarnings("unchecked")
    static GenerationParameters fromJson(String json) {
        if (json == null || json.isEmpty()) {
            return NONE;
        }
        try {
            return new GenerationParameters(JSON.readValue(json, LinkedHashMap.class));
        } catch (JsonProcessingException e) {
            throw new StorageException("stored parameters are not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
