namespace Store.Auth;

/// <summary>What the auth module needs from the host.</summary>
public sealed record AuthOptions(string PublicKeyPath, bool AuthDisabled, bool ReadAuthEnabled);
