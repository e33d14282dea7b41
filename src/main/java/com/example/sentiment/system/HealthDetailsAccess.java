package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.stereotype.Component;

/**
 * With an admin key set ({@code sentiment.security.api-key}), the health endpoint's components and details
 * (disk paths, the object store's address and last error, the active model) are shown only to a request that
 * presented that key ({@link ApiKeyFilter} gives it a principal); everyone else, Kubernetes probes included, gets
 * the status alone, with the same HTTP status code. Without an admin key, {@code management.endpoint.health}'s
 * own {@code show-details} / {@code show-components} settings apply unchanged.
 */
@Component
class HealthDetailsAccess implements HealthEndpointGroupsPostProcessor {

    private final boolean adminKeySet;

    HealthDetailsAccess(SentimentProperties properties) {
        String key = properties.security().apiKey();
        this.adminKeySet = key != null && !key.isEmpty();
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        if (!adminKeySet) {
            return groups;
        }
        Map<String, HealthEndpointGroup> named = new LinkedHashMap<>();
        for (String name : groups.getNames()) {
            named.put(name, new AdminOnlyDetails(groups.get(name)));
        }
        return HealthEndpointGroups.of(new AdminOnlyDetails(groups.getPrimary()), named);
    }

    /** A group that shows components and details only to the admin key's principal. */
    private record AdminOnlyDetails(HealthEndpointGroup group) implements HealthEndpointGroup {

        private static boolean admin(SecurityContext context) {
            return context != null && context.getPrincipal() != null
                    && ApiKeyFilter.ADMIN.getName().equals(context.getPrincipal().getName());
        }

        @Override
        public boolean isMember(String name) {
            return group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext context) {
            return admin(context) && group.showComponents(context);
        }

        @Override
        public boolean showDetails(SecurityContext context) {
            return admin(context) && group.showDetails(context);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }
}
