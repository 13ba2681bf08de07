package dev.imagine.bot.models;

import java.util.Map;
import java.util.Optional;

/** Environment variables, behind an interface so that tests pass their own instead of changing the process's. */
@FunctionalInterface
public interface Environment {

    /** The variable's value, or empty when it is unset or blank. */
    Optional<String> get(String name);

    /** The process's environment. */
    static Environment system() {
        return name -> Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }

    /** Fixed values, for tests and embedding. */
    static Environment of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name)).filter(value -> !value.isBlank());
    }
}
