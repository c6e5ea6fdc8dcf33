// Sign in and sign up.
import { useState } from 'react';
import { useServices, useSession } from '../app-context';

export function AuthScreen() {
  const { session } = useServices();
  const error = useSession((s) => s.error);
  const busy = useSession((s) => s.busy);
  const [mode, setMode] = useState<'in' | 'up'>('in');
  const [login, setLogin] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main className="auth">
      <div className="auth-card">
        <h1 className="brand">Parlor</h1>
        <p className="muted">{mode === 'in' ? 'Sign in to your team chat.' : 'Create your account.'}</p>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (mode === 'in') void session.getState().signIn(login.trim(), password);
            else void session.getState().signUp(username.trim(), email.trim(), password);
          }}
        >
          {mode === 'in' ? (
            <label>
              Username or email
              <input value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" required autoFocus />
            </label>
          ) : (
            <>
              <label>
                Username
                <input
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  autoComplete="username"
                  pattern="[A-Za-z0-9_.\-]+"
                  title="Letters, digits, dot, dash and underscore"
                  required
                  autoFocus
                />
              </label>
              <label>
                Email
                <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
              </label>
            </>
          )}
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete={mode === 'in' ? 'current-password' : 'new-password'}
              minLength={mode === 'up' ? 8 : undefined}
              required
            />
          </label>
          {error && (
            <p role="alert" className="error-text">
              {error}
            </p>
          )}
          <button type="submit" className="primary wide" disabled={busy}>
            {mode === 'in' ? 'Sign in' : 'Create account'}
          </button>
        </form>
        <p>
          {mode === 'in' ? 'New here?' : 'Have an account?'}{' '}
          <button type="button" className="link-button" onClick={() => setMode(mode === 'in' ? 'up' : 'in')}>
            {mode === 'in' ? 'Create an account' : 'Sign in'}
          </button>
        </p>
      </div>
    </main>
  );
}
