import { Suspense } from 'react';
import { SetPasswordForm } from '@/components/AuthForms';

export default function SetupPage() {
  return (
    <main className="auth-page">
      <Suspense>
        <SetPasswordForm mode="setup" />
      </Suspense>
    </main>
  );
}
