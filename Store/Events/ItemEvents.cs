using Store.Entities.Shared;

namespace Store.Events;

/// <summary>
/// Tells <c>store/&lt;port&gt;/items</c> that a media item was created or got a new file, for the CL clients that
/// follow new items (mInsight, apps). Collections and duplicates (nothing new stored) are not told. Does nothing
/// while MQTT is off.
/// </summary>
public sealed class ItemEvents(TimeProvider clock, ILogger<ItemEvents> log, MqttPublisher? publisher = null)
{
    /// <summary>
    /// The one line the entity slices call after their commit: a create, or a replace that brought a file. Resolved
    /// from the request so they need nothing else; the port is the one the request reached, the store's own even
    /// when it was started on port 0. Never throws: the entity is committed, and the slices clean up on an exception.
    /// </summary>
    public static void Stored(HttpContext context, Entity entity) =>
        context.RequestServices.GetRequiredService<ItemEvents>().Publish(entity, context.Connection.LocalPort);

    public void Publish(Entity entity, int port)
    {
        if (publisher is null || entity.Md5 is null) return;
        try
        {
            var at = entity.UpdatedDate ?? clock.GetUtcNow().ToUnixTimeMilliseconds();
            publisher.Publish(Topics.Items(port), new ItemEvent(entity.Id, entity.Md5, at));
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not queue the MQTT event of entity {Id}", entity.Id);
        }
    }
}
