package dev.imagine.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * One mapping of the YAML file. Each read names a key, so the section knows its keys; a bad value becomes a problem
 * naming the key's full path and the read returns the fallback, so reading goes on and finds every problem.
 */
final class Section {

    /** A list element and its path, such as {@code limits.admins[1]}. */
    record Item(String path, JsonNode node) {
    }

    private final Problems problems;
    private final String path;
    private final JsonNode node;
    private final boolean listed;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(Problems problems, String path, JsonNode node, boolean listed) {
        this.problems = problems;
        this.path = path;
        this.node = node;
        this.listed = listed;
        problems.section(this);
    }

    /** The file's top level; an empty file reads as an empty mapping. */
    static Section root(JsonNode root, Problems problems) {
        boolean mapping = root != null && root.isObject();
        Section section = new Section(problems, "", mapping ? root : null, true);
        if (root != null && !root.isMissingNode() && !root.isNull() && !mapping) {
            problems.addLater("", () -> "the file holds " + show(root) + "; " + section.mappingAllowed());
        }
        return section;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Set<String> knownKeys() {
        return known;
    }

    /** {@code at the top level} or {@code in limits.rate}, for messages. */
    String where() {
        return path.isEmpty() ? "at the top level" : "in " + path;
    }

    List<String> unknownKeys() {
        if (node == null) {
            return List.of();
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }

    void problem(String key, String message) {
        problems.add(keyPath(key), message);
    }

    private JsonNode take(String key) {
        known.add(key);
        if (listed) {
            problems.knownKey(key, keyPath(key));
        }
        return absent(node == null ? null : node.get(key)) ? null : node.get(key);
    }

    /** {@code key:} with nothing after it reads as an empty text: both mean "use the default". */
    private static boolean absent(JsonNode value) {
        return value == null || value.isNull() || (value.isTextual() && value.textValue().isEmpty());
    }

    private String mappingAllowed() {
        return "use a mapping with the keys " + String.join(", ", known);
    }

    /** A nested mapping; absent reads as empty. */
    Section section(String key) {
        JsonNode value = take(key);
        Section child = new Section(problems, keyPath(key), value != null && value.isObject() ? value : null, listed);
        if (value != null && !value.isObject()) {
            problems.addLater(child.path, () -> Rules.notAllowed(show(value), child.mappingAllowed()));
        }
        return child;
    }

    /**
     * A mapping whose keys the user names (users, role ids); each value is a nested mapping. A key the parser refuses
     * becomes a problem and its entry is skipped.
     */
    <K> Map<K, Section> entries(String key, Function<String, K> parseKey) {
        JsonNode value = take(key);
        Map<K, Section> entries = new LinkedHashMap<>();
        if (value == null) {
            return entries;
        }
        if (!value.isObject()) {
            problem(key, Rules.notAllowed(show(value), "use a mapping"));
            return entries;
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            K parsed;
            try {
                parsed = parseKey.apply(field.getKey());
            } catch (IllegalArgumentException e) {
                problem(key, "key " + e.getMessage());
                continue;
            }
            String entryPath = keyPath(key) + "." + field.getKey();
            JsonNode entry = field.getValue();
            Section child = new Section(problems, entryPath, entry.isObject() ? entry : null, false);
            if (!entry.isObject()) {
                problems.addLater(entryPath, () -> Rules.notAllowed(show(entry), child.mappingAllowed()));
            }
            if (entries.putIfAbsent(parsed, child) != null) {
                problem(key, "key " + Rules.show(field.getKey()) + " is not allowed; it names " + parsed
                        + " again, and each may appear once");
            }
        }
        return entries;
    }

    /** A list; one plain value reads as a list of one. */
    List<Item> list(String key, String allowed) {
        JsonNode value = take(key);
        List<Item> items = new ArrayList<>();
        if (value == null) {
            return items;
        }
        if (value.isObject()) {
            problem(key, Rules.notAllowed(show(value), allowed));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                items.add(new Item(keyPath(key) + "[" + i + "]", value.get(i)));
            }
        } else {
            items.add(new Item(keyPath(key), value));
        }
        return items;
    }

    /** Text, or null when absent; numbers and booleans read as their text. */
    String text(String key) {
        JsonNode value = take(key);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            problem(key, Rules.notAllowed(show(value), "use text"));
            return null;
        }
        return value.asText();
    }

    /**
     * A secret's text, or empty when absent or blank. A bad value is never shown; only its kind.
     */
    Optional<String> secret(String key, String allowed) {
        JsonNode value = take(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            problem(key, Rules.notAllowed(show(value), allowed));
            return Optional.empty();
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!isTokenLike(text)) {
            problem(key, Rules.notAllowed("the value (hidden)", allowed));
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** No spaces or control characters inside. */
    static boolean isTokenLike(String text) {
        return text.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.isSpaceChar(c));
    }

    /** Like {@link #parsed}, but an absent key is a problem ({@code missing; <allowed>}) and gives null. */
    <T> T required(String key, Function<String, T> parser, String allowed) {
        if (node == null || absent(node.get(key))) {
            take(key);
            problem(key, "missing; " + allowed);
            return null;
        }
        return parsed(key, null, parser, allowed);
    }

    /** Text turned into a value by {@code parser}, whose refusal message becomes the problem. */
    <T> T parsed(String key, T fallback, Function<String, T> parser, String allowed) {
        JsonNode value = take(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode()) {
            problem(key, Rules.notAllowed(show(value), allowed));
            return fallback;
        }
        try {
            return parser.apply(value.asText());
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return fallback;
        }
    }

    /** A whole number in {@code min..max}. */
    int integer(String key, int fallback, int min, int max) {
        return integer(key, fallback, min, max, Rules.wholeNumber(min, max));
    }

    /** A whole number in {@code min..max}, with its own wording of what is allowed. */
    int integer(String key, int fallback, int min, int max, String allowed) {
        return (int) whole(key, fallback, v -> v >= min && v <= max, allowed);
    }

    /** A whole number that {@code ok} accepts. */
    long whole(String key, long fallback, LongPredicate ok, String allowed) {
        return whole(take(key), key, fallback, ok, allowed);
    }

    /** A list element (or any node) read as a whole number that {@code ok} accepts; null when it is not. */
    Long whole(Item item, LongPredicate ok, String allowed) {
        Long value = wholeValue(item.node());
        if (value == null || !ok.test(value)) {
            problems.add(item.path(), Rules.notAllowed(show(item.node()), allowed));
            return null;
        }
        return value;
    }

    private long whole(JsonNode value, String key, long fallback, LongPredicate ok, String allowed) {
        if (value == null) {
            return fallback;
        }
        Long number = wholeValue(value);
        if (number == null || !ok.test(number)) {
            problem(key, Rules.notAllowed(show(value), allowed));
            return fallback;
        }
        return number;
    }

    private static Long wholeValue(JsonNode value) {
        BigInteger number = null;
        if (value.isIntegralNumber()) {
            number = value.bigIntegerValue();
        } else if (value.isTextual() && value.textValue().strip().matches("[+-]?[0-9]{1,30}")) {
            number = new BigInteger(value.textValue().strip());
        }
        return number == null || number.bitLength() > 63 ? null : number.longValueExact();
    }

    /** A size such as {@code 10M} or a plain number of bytes, that {@code ok} accepts. */
    long size(String key, long fallback, LongPredicate ok, String allowed) {
        JsonNode value = take(key);
        if (value == null) {
            return fallback;
        }
        Long bytes = wholeValue(value);
        if (bytes == null && value.isTextual()) {
            try {
                bytes = ByteSizes.parse(value.textValue());
            } catch (IllegalArgumentException e) {
                bytes = null;
            }
        }
        if (bytes == null || !ok.test(bytes)) {
            problem(key, Rules.notAllowed(show(value), allowed));
            return fallback;
        }
        return bytes;
    }

    /** A duration such as {@code 10m} in {@code min..max}; a bare number is refused for want of a unit. */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        JsonNode value = take(key);
        if (value == null) {
            return fallback;
        }
        Duration duration = null;
        if (value.isTextual()) {
            try {
                duration = Durations.parse(value.textValue());
            } catch (IllegalArgumentException e) {
                duration = null;
            }
        }
        if (duration == null || duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            problem(key, Rules.notAllowed(show(value), Rules.durationRange(min, max)));
            return fallback;
        }
        return duration;
    }

    /** {@code true} or {@code false} (also {@code yes}, {@code no}, {@code on}, {@code off}). */
    boolean bool(String key, boolean fallback) {
        JsonNode value = take(key);
        if (value == null) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.isTextual() ? value.textValue().strip().toLowerCase(Locale.ROOT) : "";
        switch (text) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                problem(key, Rules.notAllowed(show(value), "use true or false"));
                return fallback;
            }
        }
    }

    /** One of an enum's constants, in any case, with {@code -} for {@code _}. */
    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        E[] constants = type.getEnumConstants();
        String allowed = "use one of " + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "));
        return parsed(key, fallback, text -> {
            String name = text.strip().replace('-', '_').toUpperCase(Locale.ROOT);
            for (E constant : constants) {
                if (constant.name().equals(name)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), allowed));
        }, allowed);
    }

    /** A folder, resolved against {@code base} and normalized. */
    Path folder(String key, String fallback, Path base) {
        String allowed = "use a folder path, relative to the working directory or absolute";
        return parsed(key, base.resolve(fallback).normalize(), text -> {
            if (text.isBlank() || text.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), allowed));
            }
            try {
                return base.resolve(text.strip()).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), allowed), e);
            }
        }, allowed);
    }

    /** A value as a message shows it: text quoted, numbers and booleans as written, collections by kind. */
    static String show(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return Rules.show(value.textValue());
        }
        return value.asText();
    }
}
