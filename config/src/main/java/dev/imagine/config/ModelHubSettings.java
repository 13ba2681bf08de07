package dev.imagine.config;

import java.net.URI;
import java.util.Optional;

/**
 * The model hub that {@code imagine pull} downloads from (key {@code models.hub}).
 *
 * @param endpoint the hub's base URL, without a trailing slash (key {@code models.hub.endpoint}, default
 *     {@value #DEFAULT_ENDPOINT})
 * @param token an access token for gated or private models; {@code HF_TOKEN} wins over the file (key
 *     {@code models.hub.token})
 */
public record ModelHubSettings(URI endpoint, Optional<Secret> token) {

    /** Default {@code endpoint}. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    /** The environment variable holding the token. */
    public static final String TOKEN_VARIABLE = "HF_TOKEN";

    /** Checks the URL. */
    public ModelHubSettings {
        URI given = Rules.present("models.hub.endpoint", endpoint);
        endpoint = Rules.at("models.hub.endpoint", () -> Rules.httpUrl(given.toString(), DEFAULT_ENDPOINT));
        Rules.present("models.hub.token", token);
    }
}
