package dev.imagine.engine.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Prompt editing and alternation as AUTOMATIC1111's {@code get_learned_conditioning_prompt_schedules} reads them,
 * with its default ("new") scheduling rules:
 *
 * <ul>
 *   <li>{@code [from:to:when]} is {@code from} up to step {@code when} and {@code to} after it; {@code [to:when]} has
 *       an empty {@code from}, {@code [from::when]} an empty {@code to};</li>
 *   <li>{@code when} written with a decimal point is a fraction of the steps ({@code int(when * steps)}), otherwise
 *       a step number; it is capped at the step count, and a boundary below 1 adds no step of its own;</li>
 *   <li>{@code [a|b|c]} takes {@code a} at step 1, {@code b} at step 2, ..., one option per step in turn (an empty
 *       option is empty text);</li>
 *   <li>emphasis brackets pass through unchanged for {@link EmphasisParser}; brackets that form none of these, and
 *       unbalanced ones at the outer level, are text; a prompt the grammar cannot read at all (a {@code |} outside
 *       square brackets, a trailing backslash) is used as written, for every step.</li>
 * </ul>
 *
 * <p>The grammar is A1111's lark grammar, read by recursive descent: at each bracket the edit, alternation or
 * emphasis reading is tried first and the bracket is plain text only at the outer level when none fits.
 */
public final class PromptSchedule {
    private final List<Entry> entries;

    /**
     * One text of a schedule.
     *
     * @param endAtStep the last step (A1111's 0-based sampler call counter compared with {@code <=}) using it
     * @param text the prompt text for those steps, emphasis syntax still in it
     */
    public record Entry(int endAtStep, String text) {
        /** Requires the text. */
        public Entry {
            Objects.requireNonNull(text, "text");
        }
    }

    private PromptSchedule(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The schedule of {@code prompt} over {@code steps} steps (at least 1). */
    public static PromptSchedule of(String prompt, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        // Edits and alternations start with '['; without one the prompt renders as itself at every step (the parse
        // below would give the same single entry, at a cost on every job).
        Node tree = prompt.indexOf('[') < 0 ? null : new Parser(prompt).parse();
        if (tree == null) {
            return new PromptSchedule(List.of(new Entry(steps, prompt)));
        }
        TreeSet<Integer> boundaries = new TreeSet<>();
        boundaries.add(steps);
        collect(tree, steps, boundaries);
        List<Entry> entries = new ArrayList<>(boundaries.size());
        for (int step : boundaries) {
            StringBuilder text = new StringBuilder();
            render(tree, step, steps, text);
            entries.add(new Entry(step, text.toString()));
        }
        return new PromptSchedule(entries);
    }

    /** The texts in order of their last step; the last one ends at the step count. */
    public List<Entry> entries() {
        return entries;
    }

    /** The distinct texts, in order of first use. */
    public List<String> distinctTexts() {
        return entries.stream().map(Entry::text).distinct().toList();
    }

    /**
     * The index into {@link #entries()} for sampler call {@code call} (0-based): the first entry whose last step is
     * at least {@code call}, or the first entry when none is (as A1111's {@code reconstruct_cond_batch}).
     */
    public int entryAt(int call) {
        for (int i = 0; i < entries.size(); i++) {
            if (call <= entries.get(i).endAtStep()) {
                return i;
            }
        }
        return 0;
    }

    /** Whether the prompt has no edits and no alternation: one text for all steps. */
    public boolean isConstant() {
        return entries.size() == 1;
    }

    /** The step at which an edit switches: what its {@code when} means at {@code steps} steps. */
    static int boundary(String number, int steps) {
        double value = Double.parseDouble(number);
        if (number.indexOf('.') >= 0) {
            value *= steps;
        }
        return Math.min(steps, (int) value);
    }

    private static void collect(Node node, int steps, TreeSet<Integer> boundaries) {
        if (node instanceof Scheduled s) {
            int when = boundary(s.number, steps);
            if (when >= 1) {
                boundaries.add(when);
            }
            if (s.before != null) {
                collect(s.before, steps, boundaries);
            }
            collect(s.after, steps, boundaries);
        } else if (node instanceof Alternate a) {
            for (int step = 1; step <= steps; step++) {
                boundaries.add(step);
            }
            for (Node option : a.options) {
                if (option != null) {
                    collect(option, steps, boundaries);
                }
            }
        } else if (node instanceof Sequence q) {
            for (Node part : q.parts) {
                collect(part, steps, boundaries);
            }
        }
    }

    private static void render(Node node, int step, int steps, StringBuilder out) {
        if (node instanceof Text t) {
            out.append(t.text);
        } else if (node instanceof Sequence q) {
            for (Node part : q.parts) {
                render(part, step, steps, out);
            }
        } else if (node instanceof Scheduled s) {
            Node chosen = step <= boundary(s.number, steps) ? s.before : s.after;
            if (chosen != null) {
                render(chosen, step, steps, out);
            }
        } else if (node instanceof Alternate a) {
            Node chosen = a.options.get((step - 1) % a.options.size());
            if (chosen != null) {
                render(chosen, step, steps, out);
            }
        }
    }

    private sealed interface Node permits Text, Sequence, Scheduled, Alternate {
    }

    private record Text(String text) implements Node {
    }

    private record Sequence(List<Node> parts) implements Node {
    }

    /** {@code [before:after:number]}; {@code before} is null for {@code [after:number]}. */
    private record Scheduled(Node before, Node after, String number) implements Node {
    }

    /** {@code [a|b|...]}; an option is null when empty after a {@code |}. */
    private record Alternate(List<Node> options) implements Node {
    }

    /** Recursive descent over A1111's grammar; each method returns null when it cannot read at its position. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        /** {@code start: (prompt | /[][():]/+)*}; null when the whole prompt does not fit the grammar. */
        Node parse() {
            List<Node> parts = new ArrayList<>();
            while (pos < s.length()) {
                Node prompt = prompt();
                if (prompt != null && !((Sequence) prompt).parts.isEmpty()) {
                    parts.add(prompt);
                    continue;
                }
                char c = s.charAt(pos);
                if (c == '[' || c == ']' || c == '(' || c == ')' || c == ':') {
                    parts.add(new Text(String.valueOf(c)));
                    pos++;
                } else {
                    return null;
                }
            }
            return new Sequence(parts);
        }

        /** {@code prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)*}; never null. */
        private Node prompt() {
            List<Node> parts = new ArrayList<>();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                int start = pos;
                Node item;
                if (c == '[') {
                    item = square();
                } else if (c == '(') {
                    item = round();
                } else {
                    item = plain();
                }
                if (item == null) {
                    pos = start;
                    break;
                }
                parts.add(item);
            }
            return new Sequence(parts);
        }

        /** {@code plain: /([^\\\[\]():|]|\\.)+/} (whitespace included); null when nothing matches here. */
        private Node plain() {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\\') {
                    if (pos + 1 < s.length() && s.charAt(pos + 1) != '\n') {
                        pos += 2;
                        continue;
                    }
                    break;
                }
                if (c == '[' || c == ']' || c == '(' || c == ')' || c == ':' || c == '|') {
                    break;
                }
                pos++;
            }
            return pos > start ? new Text(s.substring(start, pos)) : null;
        }

        /** {@code "(" prompt ")" | "(" prompt ":" prompt ")"}, kept with its brackets. */
        private Node round() {
            int start = pos;
            pos++;
            Node first = prompt();
            if (accept(')')) {
                return new Sequence(List.of(new Text("("), first, new Text(")")));
            }
            if (accept(':')) {
                Node second = prompt();
                if (accept(')')) {
                    return new Sequence(List.of(new Text("("), first, new Text(":"), second, new Text(")")));
                }
            }
            pos = start;
            return null;
        }

        /** Emphasis {@code [prompt]}, an edit or an alternation. */
        private Node square() {
            int start = pos;
            pos++;
            Node first = prompt();
            if (accept(']')) {
                return new Sequence(List.of(new Text("["), first, new Text("]")));
            }
            if (at('|')) {
                List<Node> options = new ArrayList<>();
                options.add(first);
                while (accept('|')) {
                    Node option = prompt();
                    options.add(((Sequence) option).parts.isEmpty() ? null : option);
                }
                if (accept(']')) {
                    return new Alternate(options);
                }
            } else if (accept(':')) {
                int afterColon = pos;
                String number = when();
                if (number != null) {
                    return new Scheduled(null, first, number);
                }
                pos = afterColon;
                Node second = prompt();
                if (accept(':')) {
                    number = when();
                    if (number != null) {
                        return new Scheduled(first, second, number);
                    }
                }
            }
            pos = start;
            return null;
        }

        /** {@code [WHITESPACE] NUMBER [WHITESPACE] "]"}: the number's text, or null. */
        private String when() {
            skip(PromptSchedule::isSpace);
            int start = pos;
            accept('+');
            if (pos == start) {
                accept('-');
            }
            int digits = skip(PromptSchedule::isAsciiDigit);
            if (accept('.')) {
                digits += skip(PromptSchedule::isAsciiDigit);
            }
            if (digits == 0) {
                return null;
            }
            int beforeExponent = pos;
            if (accept('e') || accept('E')) {
                if (!accept('+')) {
                    accept('-');
                }
                if (skip(PromptSchedule::isAsciiDigit) == 0) {
                    pos = beforeExponent;
                }
            }
            String number = s.substring(start, pos);
            skip(PromptSchedule::isSpace);
            return accept(']') ? number : null;
        }

        private int skip(IntPredicate test) {
            int start = pos;
            while (pos < s.length() && test.test(s.charAt(pos))) {
                pos++;
            }
            return pos - start;
        }

        private boolean at(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private boolean accept(char c) {
            if (at(c)) {
                pos++;
                return true;
            }
            return false;
        }
    }

    /** Python's {@code \\s}: Unicode white space. */
    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
