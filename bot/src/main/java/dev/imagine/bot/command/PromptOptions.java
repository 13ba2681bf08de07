package dev.imagine.bot.command;

import dev.imagine.engine.RequestValues;

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
 */
public record PromptOptions(RequestValues values, AspectRatio aspect) {

    /** No options. */
    public static final PromptOptions NONE = new PromptOptions(RequestValues.NONE, null);

    /** Requires the values ({@link RequestValues#NONE} for none). */
    public PromptOptions {
        if (values == null) {
            throw new IllegalArgumentException("the values are required");
        }
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

        private Builder() {
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
            return new PromptOptions(values, aspect);
        }
    }
}
