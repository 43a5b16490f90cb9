package io.alphadecay.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Rendered objects checked against the Kubernetes API models of the official Java client, whose generated
 * validation rejects unknown fields (a misspelt or misplaced key that the API server would drop or refuse) and
 * missing required ones, at every level of nesting.
 */
final class KubernetesModels {

    private record Model(String apiVersion, Class<?> type) {}

    private static final Map<String, Model> MODELS = Map.of(
            "Deployment", new Model("apps/v1", V1Deployment.class),
            "StatefulSet", new Model("apps/v1", V1StatefulSet.class),
            "Service", new Model("v1", V1Service.class),
            "Secret", new Model("v1", V1Secret.class),
            "ConfigMap", new Model("v1", V1ConfigMap.class),
            "PersistentVolumeClaim", new Model("v1", V1PersistentVolumeClaim.class),
            "ServiceAccount", new Model("v1", V1ServiceAccount.class),
            "Pod", new Model("v1", V1Pod.class),
            "HorizontalPodAutoscaler", new Model("autoscaling/v2", V2HorizontalPodAutoscaler.class),
            "PodDisruptionBudget", new Model("policy/v1", V1PodDisruptionBudget.class));

    private static final Gson GSON = new Gson();

    private KubernetesModels() {}

    static boolean covers(String kind) {
        return MODELS.containsKey(kind);
    }

    static void validate(Map<String, Object> object) {
        String kind = (String) object.get("kind");
        Model model = MODELS.get(kind);
        assertThat(model).as("a model for kind %s", kind).isNotNull();
        assertThat(object.get("apiVersion")).as("apiVersion of %s", kind).isEqualTo(model.apiVersion());
        try {
            model.type().getMethod("validateJsonElement", JsonElement.class).invoke(null, GSON.toJsonTree(object));
        } catch (InvocationTargetException e) {
            fail(
                    "%s %s does not match the Kubernetes API: %s",
                    kind, Manifests.at(object, "metadata.name"), e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
