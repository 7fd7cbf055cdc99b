namespace Store.Data;

/// <summary>
/// Something an instance keeps in step with changes that other instances commit: on PostgreSQL a NOTIFY on
/// <paramref name="Channel"/> (sent by a trigger, sql/postgres/0006) calls <paramref name="Changed"/>, and so does every
/// (re)connect of the listener, since notifications sent while it was away are lost (<see cref="PostgresListener"/>).
/// On SQLite there is one instance and nothing listens. Changed must return at once; it may be called for a change
/// this instance made itself.
/// </summary>
public sealed record DbNotice(string Channel, Action Changed);
