namespace MediaProxy.Api.Security;

/// <summary>A token bucket whose tokens can be given back (a reservation that was not used), on timestamps.</summary>
internal sealed class TokenBucket(int capacity, double perSecond, long now, long frequency)
{
    private readonly Lock _gate = new();
    private double _tokens = capacity;
    private long _stamp = now;

    public bool TryTake(long now)
    {
        lock (_gate)
        {
            Refill(now);
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    public void Return()
    {
        lock (_gate)
        {
            _tokens = Math.Min(capacity, _tokens + 1);
        }
    }

    public bool IsFull(long now)
    {
        lock (_gate)
        {
            Refill(now);
            return _tokens >= capacity;
        }
    }

    private void Refill(long now)
    {
        if (now > _stamp)
        {
            _tokens = Math.Min(capacity, _tokens + ((now - _stamp) * perSecond / frequency));
            _stamp = now;
        }
    }
}
