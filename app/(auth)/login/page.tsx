import { LoginForm } from '@/components/AuthForms';

export default function LoginPage() {
  return (
    <main className="auth-page">
      <LoginForm />
    </main>
  );
}
