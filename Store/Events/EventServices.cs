using Store.Compute.Queue;

namespace Store.Events;

public static class EventServices
{
    /// <summary>
    /// MQTT events when MQTT_BROKER is set; otherwise only the item notifier, which then does nothing. Add this
    /// before the jobs: hosted services stop in reverse order, so the publisher outlives the built-in worker and
    /// its sign-off still goes out.
    /// </summary>
    public static IServiceCollection AddStoreEvents(this IServiceCollection services, EventOptions options)
    {
        services.AddSingleton<ItemEvents>();
        if (options.MqttBroker is null) return services;
        services.AddSingleton<MqttPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttPublisher>());
        services.AddSingleton<QueueToMqtt>();
        services.AddSingleton<IQueueListener>(sp => sp.GetRequiredService<QueueToMqtt>());
        services.AddHostedService<WorkerLapseWatch>();
        return services;
    }
}
