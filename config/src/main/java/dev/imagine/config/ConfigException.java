package dev.imagine.config;

import java.util.List;

/**
 * The configuration cannot be used. Holds every problem found, so one start-up attempt shows them all. The message
 * is a headline followed by the problems: on the same line when there is one, else one per line:
 *
 * <pre>
 * invalid configuration in /srv/imagine.yaml: limits.rate.burst: -3 is not allowed; use a whole number from 1 to 1000
 * invalid configuration in /srv/imagine.yaml (2 problems):
 *   engine.model: missing; set it to a model folder or the name of a pulled model
 *   limits.rate.brust: unknown key; did you mean burst? Keys allowed in limits.rate: burst, refill, refill-period
 * </pre>
 *
 * A message never contains a secret's value.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String headline;
    private final List<ConfigProblem> problems;

    /**
     * Creates the exception.
     *
     * @param headline what failed, such as {@code invalid configuration in imagine.yaml}
     * @param problems at least one problem
     */
    public ConfigException(String headline, List<ConfigProblem> problems) {
        super(format(headline, problems));
        this.headline = headline;
        this.problems = List.copyOf(problems);
    }

    /** What failed, without the problems. */
    public String headline() {
        return headline;
    }

    /** Every problem, in the order found: keys in the order the configuration is read, unknown keys last. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String headline, List<ConfigProblem> problems) {
        if (headline == null || headline.isBlank() || problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs a headline and at least one problem");
        }
        if (problems.size() == 1) {
            return headline + ": " + problems.get(0);
        }
        StringBuilder text = new StringBuilder(headline).append(" (").append(problems.size()).append(" problems):");
        for (ConfigProblem problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.toString();
    }
}
