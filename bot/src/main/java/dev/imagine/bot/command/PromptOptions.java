package dev.imagine.bot.command;

import dev.imagine.engine.RequestValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generation options as a user gave them, either typed as a platform's command options (Discord's slash-command
 * options) or written as {@code --flags} in the prompt: the engine request's parameters by name (see
 * {@link RequestValues}), plus the chat-only aspect ratio. Every value may be missing ("not given"). Values are not
 * checked against the server's limits here: {@link CommandCore#imagine} checks the merged request and answers an
 * out-of-range value with a message, so an adapter can pass what the platform delivered as it is.
 *
 * @param values the parameters given; {@code width} and {@code height} may come alone, or with {@code aspect} to
 *     derive the other side
 * @param aspect the aspect ratio ({@code --ar}), or {@code null}; sets the size from the default area unless one side
 *     is given
 * @param animation {@code /animate}'s own options in {@link dev.imagine.engine.AnimationValues}' plain form
 *     ({@code framesPerSegment}, {@code fps}, {@code ease}, {@code loop}, and {@code toSeed1}, {@code toSeed2}...
 *     for the later keyframes' seeds); empty for none
 */
public record PromptOptions(RequestValues values, AspectRatio aspect, Map<String, Object> animation) {

    /** No options. */
    public static final PromptOptions NONE = new PromptOptions(RequestValues.NONE, null, Map.of());

    /** Requires the values ({@link RequestValues#NONE} for none); copies the animation options. */
    public PromptOptions {
        if (values == null) {
            throw new IllegalArgumentException("the values are required");
        }
        animation = animation == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(animation));
    }

    /** Options without animation options. */
    public PromptOptions(RequestValues values, AspectRatio aspect) {
        this(values, aspect, Map.of());
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of the parameter {@code name}, or {@code null} when it was not given. */
    public Object value(String name) {
        return values.get(name, Object.class);
    }

    /** Whether any of width, height or aspect ratio is set. */
    boolean setsSize() {
        return values.has("width") || values.has("height") || aspect != null;
    }

    /** Builds options. Not thread-safe. */
    public static final class Builder {
        private RequestValues values = RequestValues.NONE;
        private AspectRatio aspect;
        private final Map<String, Object> animation = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the animation option {@code name} (as {@link dev.imagine.engine.AnimationValues} names it) to
         * {@code value}; {@code null} unsets it.
         */
        public Builder animation(String name, Object value) {
            if (value == null) {
                animation.remove(name);
            } else {
                animation.put(name, value);
            }
            return this;
        }

        /**
         * Sets the parameter {@code name} to {@code value} ({@code null} unsets it).
         *
         * @throws IllegalArgumentException when no parameter has this name or the value is of another type
         */
        public Builder set(String name, Object value) {
            values = values.with(name, value);
            return this;
        }

        /** Sets the aspect ratio. */
        public Builder aspect(AspectRatio value) {
            aspect = value;
            return this;
        }

        /** Builds the options. */
        public PromptOptions build() {
            return new PromptOptions(values, aspect, animation);
        }
    }
}
